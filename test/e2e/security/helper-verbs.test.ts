/**
 * The privilege helper's argument checks, from outside: the helper-mode deploy user (`slipdeploy` on t2, only sudo rule
 * the helper) calls it directly with what an attacker holding its key would try: paths out of the app's places (`..`,
 * symlinks to /etc, other units), units that would run as root or write as root, nginx files that make the root master
 * write files, unit names that are not the app's (`nginx`, `../x`, flags, newlines), certbot hooks and names not
 * recorded, socket links of other apps or at other targets, writes of bootstrap's fixed files. Each is refused
 * with exit 64 and nothing changes; the same verbs with the app's own arguments work (the refusals are not blanket).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HELPER_PATH } from "../../../src/remote/privilege.js";
import type { ExecResult, RemoteHost } from "../../../src/remote/types.js";
import { cleanHost, connectTarget } from "../deploy/support.js";
import { bootstrapHelperUser, connectAsDeployUser, DEPLOY_USER, forgetApp, TARGET } from "./helper-support.js";

const APP = "hvverb";
const UNIT = `/etc/systemd/system/${APP}-web@.service`;
const SITE = `/etc/nginx/slipway/${APP}-web.upstream.conf`;
const NAME = `${APP}.e2e.test`;
const LINK = `/etc/nginx/slipway/${APP}-web.sock`;
const BLUE = `/run/slipway/${APP}-web-blue.sock`;

const goodUnit = (extra: string[] = [], user = `app-${APP}`) =>
  [
    "[Unit]",
    "Description=test",
    "[Service]",
    "Type=simple",
    `User=${user}`,
    `Group=app-${APP}`,
    `EnvironmentFile=/opt/${APP}/env/web-%i.env`,
    "ExecStart=/usr/bin/sleep 600",
    'ExecStartPre=+/bin/sh -c "test -d /var/lib/hvverb || exec /usr/bin/install -d -o app-hvverb -g app-hvverb -m 0750 /var/lib/hvverb"',
    "NoNewPrivileges=yes",
    ...extra,
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");

describe("the privilege helper refuses what is not the app's", () => {
  let root: RemoteHost;
  let user: RemoteHost;
  const helper = (args: string[], stdin?: string): Promise<ExecResult> =>
    user.exec(["sudo", "-n", HELPER_PATH, ...args], { check: false, stdin });
  const exists = async (path: string) =>
    (await root.exec(["test", "-e", path], { become: true, check: false })).code === 0;
  const refused = async (args: string[], stdin?: string) => {
    const result = await helper(args, stdin);
    expect(result.code, `${args.join(" ")}: ${result.stdout}${result.stderr}`).toBe(64);
    expect(result.stderr).toMatch(/^slipway-helper: /m);
    return result.stderr;
  };

  beforeAll(async () => {
    root = await connectTarget(TARGET);
    await cleanHost(root, APP);
    const boot = await bootstrapHelperUser(root, APP, { app_domains: [NAME] });
    expect(boot.outcomes.filter((o) => o.status === "failed").map((o) => o.msg)).toEqual([]);
    user = await connectAsDeployUser();
    expect((await helper(["app-user", APP])).code).toBe(0);
  }, 180_000);

  afterAll(async () => {
    await user?.close();
    await cleanHost(root, APP);
    await root.exec(["rm", "-f", "--", "/etc/nginx/slipway/hvverb-web.upstream.conf", "/tmp/hvverb-owned"], {
      become: true,
    });
    await forgetApp(root, APP);
    await root.close();
  });

  it("installs the app's own unit and nginx file (so the refusals below are about their arguments)", async () => {
    expect((await helper(["file", "write", UNIT, "0644", "", ""], goodUnit())).code).toBe(0);
    expect((await helper(["unit", "verify", `${APP}-web@blue`])).stderr).not.toContain("slipway-helper");
    expect(
      (await helper(["file", "write", SITE, "0644", "", ""], "upstream hvverb_web { server 127.0.0.1:1; }\n")).code,
    ).toBe(0);
    expect((await helper(["file", "rm", UNIT])).code).toBe(0);
  });

  it("refuses paths outside the app's places: other files, `..`, doubled slashes, newlines, symlinked dirs", async () => {
    for (const path of [
      "/etc/passwd",
      "/etc/sudoers.d/slipway",
      "/etc/systemd/system/nginx.service",
      "/etc/systemd/system/ssh.service.d/override.conf",
      `/etc/systemd/system/${APP}-web@.service/../../../passwd`,
      `/etc/systemd/system/../systemd/system/${APP}-web@.service`,
      `//etc/systemd/system/${APP}-web@.service`,
      `/etc/systemd/system/${APP}-web@.service\n/etc/passwd`,
      `/opt/${APP}/env/x.env`,
      "/etc/nginx/nginx.conf",
      "/etc/nginx/slipway/other-app.conf",
      "relative/path",
    ]) {
      await refused(["file", "write", path, "0644", "", ""], "x\n");
    }
    // The deploy user owns the deploy dir: a symlink planted there to /etc gives it no way into /etc.
    await user.exec(["ln", "-sfn", "/etc", `/opt/${APP}/evil`]);
    await refused(["file", "write", `/opt/${APP}/evil/cron.d/x`, "0644", "", ""], "* * * * * root id\n");
    expect(await exists("/etc/cron.d/x")).toBe(false);
    await refused(["file", "read", "/etc/shadow"]);
    await refused(["file", "write", UNIT, "4755", "", ""], goodUnit());
    await refused(["file", "write", UNIT, "0644", `${DEPLOY_USER}`, ""], goodUnit());
  });

  it("refuses units that would run code as root or let root read or write for the app", async () => {
    const bad: Record<string, string> = {
      "User=root": goodUnit([], "root"),
      "no User=": goodUnit().replace(/^User=.*\n/m, ""),
      "second User=": goodUnit(["[Service]", "User=root"]),
      "+ exec": goodUnit(["ExecStartPost=+/bin/sh -c id"]),
      "! exec": goodUnit(["ExecStartPre=!/usr/bin/id"]),
      "+ after other prefixes": goodUnit(["ExecStartPre=-+/usr/bin/id"]),
      "mkdir of /etc": goodUnit([
        'ExecStartPre=+/bin/sh -c "test -d /etc/x || exec /usr/bin/install -d -o app-hvverb -g app-hvverb -m 0750 /etc/x"',
      ]),
      "mkdir of two dirs": goodUnit([
        'ExecStartPre=+/bin/sh -c "test -d /var/lib/a || exec /usr/bin/install -d -o app-hvverb -g app-hvverb -m 0750 /etc/b"',
      ]),
      "env file of /etc": goodUnit(["EnvironmentFile=/etc/shadow"]),
      "env file via ..": goodUnit([`EnvironmentFile=/opt/${APP}/env/../../../etc/shadow`]),
      "output to a file": goodUnit(["StandardOutput=file:/etc/cron.d/x"]),
      credentials: goodUnit(["LoadCredential=k:/etc/shadow"]),
      capabilities: goodUnit(["AmbientCapabilities=CAP_SYS_ADMIN"]),
      "extra groups": goodUnit(["SupplementaryGroups=docker"]),
      "continued line": goodUnit(["Environment=A=1 \\", "User=root"]),
      "another section": goodUnit(["[Socket]", "ListenStream=/run/x"]),
    };
    for (const [what, content] of Object.entries(bad)) {
      const stderr = await refused(["file", "write", UNIT, "0644", "", ""], content);
      expect(stderr, what).toContain("refused: the unit");
      expect(await exists(UNIT), what).toBe(false);
    }
  });

  it("refuses nginx files that make the root master write, create or load files", async () => {
    for (const line of [
      "access_log /etc/cron.d/x;",
      "error_log /root/.ssh/authorized_keys;",
      "server { listen 81; access_log /tmp/../etc/x combined; }",
      "include /home/slipdeploy/*.conf;",
      "proxy_cache_path /etc/x keys_zone=a:1m;",
      "client_body_temp_path /etc/x;",
      "load_module /tmp/x.so;",
      "perl_modules /tmp;",
    ]) {
      const stderr = await refused(["file", "write", SITE, "0644", "", ""], `${line}\n`);
      expect(stderr, line).toContain("refused: the nginx file");
    }
    expect((await root.exec(["cat", SITE], { become: true })).stdout).toContain("server 127.0.0.1:1;");
  });

  it("controls only the app's units: not nginx, not ../x, not flags, not newlines; no link", async () => {
    for (const name of [
      "nginx",
      "ssh.service",
      "../x",
      `${APP}-web@blue/../../ssh`,
      "--no-block",
      "-H",
      `${APP}-web@blue\nssh`,
      `${APP}-web@red`,
      `x${APP}-web@blue`,
    ]) {
      await refused(["unit", "restart", name]);
    }
    await refused(["unit", "stop", `${APP}-web@blue`, "ssh"]);
    await refused(["unit", "link", `/opt/${APP}/${APP}-web@.service`]);
    await refused(["unit", "set-property", `${APP}-web@blue`, "User=root"]);
    await refused(["unit", "daemon-reload", "--root=/tmp"]);
    expect((await helper(["unit", "is-active", `${APP}-web@blue`])).code).not.toBe(64);
  });

  it("enables and disables the app's own units at boot (the live color, D26), no other unit and no flag", async () => {
    const enabled = async () =>
      (await root.exec(["systemctl", "is-enabled", `${APP}-web@blue.service`], { check: false })).stdout.trim();
    for (const name of ["nginx", "ssh.service", "--now", "--global", `${APP}-web@red`]) {
      await refused(["unit", "enable", name]);
      await refused(["unit", "disable", name]);
    }
    await refused(["unit", "enable", `${APP}-web@blue`, "--now"]);
    expect((await helper(["file", "write", UNIT, "0644", "", ""], goodUnit())).code).toBe(0);
    expect((await helper(["unit", "daemon-reload"])).code).toBe(0);
    const enable = await helper(["unit", "enable", `${APP}-web@blue.service`]);
    expect(enable.code, enable.stderr).toBe(0);
    expect(await enabled()).toBe("enabled");
    expect((await helper(["unit", "disable", `${APP}-web@blue.service`])).code).toBe(0);
    expect(await enabled()).toBe("disabled");
  });

  it("runs certbot for the recorded names only: no hooks, no flags; other verbs take no extra arguments", async () => {
    await refused(["certbot", APP, "--pre-hook", "id"]);
    await refused(["certbot", "--pre-hook"]);
    await refused(["certbot", APP, "--deploy-hook=id"]);
    await refused(["nginx", "reload; id"]);
    await refused(["app-user", "root"]);
    await refused(["app-user", "../x"]);
    await refused(["as-app", "otherapp", "id"]);
    await refused(["data-dir", `${APP}\n`]);
    await refused(["shell"]);
  });

  it("repoints only the app's own socket links, at its own colors' listeners", async () => {
    const set = await helper(["links", APP, "set", BLUE, LINK]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe(`${LINK}\n`);
    expect((await root.exec(["readlink", LINK])).stdout.trim()).toBe(BLUE);
    expect((await helper(["links", APP, "check", BLUE, LINK])).stdout).toBe("");
    for (const pair of [
      ["/etc/shadow", LINK],
      [BLUE, "/etc/nginx/slipway/../../cron.d/x.sock"],
      [BLUE, "/etc/nginx/nginx.conf"],
      [`/run/slipway/${APP}-api-blue.sock`, LINK],
      [`/run/slipway/${APP}-web-red.sock`, LINK],
      [`/run/slipway/other-web-blue.sock`, "/etc/nginx/slipway/other-web.sock"],
      [BLUE, `${LINK}\n/etc/nginx/slipway/x.sock`],
    ]) {
      await refused(["links", APP, "set", ...pair]);
    }
    await refused(["links", APP, "set", BLUE]);
    await refused([
      "links",
      "otherapp",
      "set",
      "/run/slipway/otherapp-web-blue.sock",
      "/etc/nginx/slipway/otherapp-web.sock",
    ]);
    await refused(["links", APP, "--force", BLUE, LINK]);
    // A file that is not a link is not replaced (the rename would swap any file for a link)
    const plainFile = `/etc/nginx/slipway/${APP}-api.sock`;
    await root.exec(["sh", "-c", 'echo keep > "$1"', "sh", plainFile], { become: true });
    expect(await refused(["links", APP, "set", `/run/slipway/${APP}-api-blue.sock`, plainFile])).toMatch(/not a link/);
    expect((await root.exec(["cat", plainFile])).stdout).toBe("keep\n");
    expect((await root.exec(["readlink", LINK])).stdout.trim()).toBe(BLUE);
  });

  it("reads bootstrap's fixed files and the app's certificate, writes neither; certbot only for recorded names", async () => {
    const hook = "/etc/letsencrypt/renewal-hooks/deploy/slipway-reload-nginx.sh";
    for (const fixed of [
      hook,
      "/etc/tmpfiles.d/slipway-run-slipway.conf",
      "/etc/systemd/system/nginx.service.d/slipway-sockets.conf",
    ]) {
      expect((await helper(["file", "read", fixed])).code).toBe(0);
      expect(await refused(["file", "write", fixed, "0644", "", ""], "#!/bin/sh\nid\n")).toMatch(/bootstrap/);
      await refused(["file", "meta", fixed, "0644", ""]);
      await refused(["file", "rm", fixed]);
    }
    expect((await root.exec(["cat", hook], { become: true })).stdout).not.toContain("id\n");
    // Not obtained: absent (exit 3), not refused; the key is never readable, nor another name's files
    expect((await helper(["file", "read", `/etc/letsencrypt/live/${NAME}/fullchain.pem`])).code).toBe(3);
    expect((await helper(["file", "exists", `/etc/letsencrypt/live/${NAME}/fullchain.pem`])).code).toBe(1);
    await refused(["file", "read", `/etc/letsencrypt/live/${NAME}/privkey.pem`]);
    await refused(["file", "read", "/etc/letsencrypt/live/other.e2e.test/fullchain.pem"]);
    await refused(["file", "exists", "/etc/shadow"]);
    await refused(["file", "write", `/etc/letsencrypt/live/${NAME}/fullchain.pem`, "0644", "", ""], "x");
    expect(await refused(["certbot", APP, "evil.e2e.test"])).toMatch(/not one of the names recorded/);
    await refused(["certbot", APP, NAME, "--pre-hook=id"]);
  });

  it("answers absent for the app's files whose directory is not made yet (a fresh host's first plan; D20)", async () => {
    const dropIn = `/etc/systemd/system/${APP}-web@green.service.d/slipway-env.conf`;
    await root.exec(["rm", "-rf", "--", `/etc/systemd/system/${APP}-web@green.service.d`], { become: true });
    const read = await helper(["file", "read", dropIn]);
    expect([read.code, read.stderr.trim()]).toEqual([3, "SLIPWAY-ABSENT"]);
    const inspect = await helper(["file", "inspect", dropIn, "0".repeat(64), "1024"]);
    expect([inspect.code, inspect.stdout]).toEqual([0, "absent\n"]);
    expect((await helper(["file", "exists", dropIn])).code).toBe(1);
    // bootstrap made the deploy's nginx directory (root's), so the plan's reads of upstreams find it
    expect((await root.exec(["stat", "-c", "%U %a", "/etc/nginx/slipway"])).stdout).toBe("root 755\n");
    // still refused: a missing directory is no way around the path rules
    await refused(["file", "read", "/etc/nonexistent-dir/x.conf"]);
  });

  it("shows the app's own units' journal, no other unit's (D22: a failed gate's last log lines)", async () => {
    const own = await helper(["unit", "journal", "5", `${APP}-web@blue`]);
    expect([own.code, own.stderr]).toEqual([0, ""]);
    await refused(["unit", "journal", "5", "ssh.service"]);
    await refused(["unit", "journal", "5", `${APP}-web@blue`, "nginx"]);
    await refused(["unit", "journal", "5 -f", `${APP}-web@blue`]);
    await refused(["unit", "journal", "--since=1", `${APP}-web@blue`]);
  });

  it("as-app runs as the app's user, never root: no sudo, no reading root's files, no writing /etc", async () => {
    const id = await helper(["as-app", APP, "id"]);
    expect(id.stdout.trim()).toMatch(
      new RegExp(`^uid=\\d+\\(app-${APP}\\) gid=\\d+\\(app-${APP}\\) groups=\\d+\\(app-${APP}\\)$`),
    );
    expect((await helper(["as-app", APP, "sudo", "-n", "true"])).code).not.toBe(0);
    expect((await helper(["as-app", APP, "cat", "/etc/shadow"])).code).not.toBe(0);
    expect((await helper(["as-app", APP, "sh", "-c", "echo x > /etc/hvverb-x"])).code).not.toBe(0);
    expect(await exists("/etc/hvverb-x")).toBe(false);
  });
});
