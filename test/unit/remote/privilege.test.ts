import { describe, expect, it } from "vitest";
import { certbotCertonlyArgv } from "../../../src/commands/certbot.js";
import { containerLogsArgv } from "../../../src/commands/docker.js";
import { inspectArgv, mkdirArgv, readArgv, removeFilesArgv, writeArgv } from "../../../src/commands/files.js";
import { untilStdinClosesArgv } from "../../../src/commands/logs.js";
import { nginxReload, pointLinksArgv } from "../../../src/commands/nginx.js";
import { STATUS_SCRIPT, statusArgv } from "../../../src/commands/status.js";
import { fromFileArgv, pipeArgv, toFileArgv } from "../../../src/commands/stream.js";
import { journalArgv, systemctlArgv, unitLoadStateArgv } from "../../../src/commands/systemd.js";
import { ensureUserArgv } from "../../../src/commands/users.js";
import { SlipwayError } from "../../../src/errors.js";
import {
  describePrivilege,
  HELPER_PATH,
  helperRefusalHint,
  helperRefusalMessage,
  isHelperRefusal,
  type PrivilegeContext,
  planCommand,
} from "../../../src/remote/privilege.js";

const H = HELPER_PATH;
const ctx: PrivilegeContext = { mode: "helper", app: "shop", deployDir: "/opt/shop", dataDirs: ["/var/lib/shop"] };
const SHA = "a".repeat(64);

describe("planCommand", () => {
  it("root mode and commands without become are unchanged", () => {
    expect(planCommand(["systemctl", "restart", "x"], true, { mode: "root" })).toEqual({
      argv: ["systemctl", "restart", "x"],
      sudo: true,
    });
    expect(planCommand(["id"], false, ctx)).toEqual({ argv: ["id"], sudo: false });
  });

  it("sends files of units and nginx sites to the helper's file verb, verbatim arguments", () => {
    const unit = "/etc/systemd/system/shop-web@.service";
    expect(planCommand(inspectArgv(unit, SHA), true, ctx)).toEqual({
      argv: [H, "file", "inspect", unit, SHA, "1048576"],
      sudo: true,
    });
    expect(planCommand(writeArgv(unit, { mode: 0o644, backup: true }), true, ctx)).toEqual({
      argv: [H, "file", "write", unit, "0644", "", "1"],
      sudo: true,
    });
    expect(planCommand(readArgv("/etc/nginx/conf.d/slipway-shop.conf"), true, ctx).argv).toEqual([
      H,
      "file",
      "read",
      "/etc/nginx/conf.d/slipway-shop.conf",
    ]);
    expect(planCommand(mkdirArgv("/etc/systemd/system/shop-web@blue.service.d"), true, ctx).argv).toEqual([
      H,
      "file",
      "mkdir",
      "/etc/systemd/system/shop-web@blue.service.d",
    ]);
    const two = planCommand(["mkdir", "-p", "--", "/etc/nginx/slipway", "/var/www/slipway-acme"], true, ctx);
    expect(two).toEqual({
      argv: [
        "sh",
        "-c",
        `for p; do sudo -n -- ${H} file mkdir "$p" || exit; done`,
        "sh",
        "/etc/nginx/slipway",
        "/var/www/slipway-acme",
      ],
      sudo: false,
    });
  });

  it("maps units, nginx, the app user and certbot to their verbs", () => {
    expect(planCommand(["systemctl", "daemon-reload"], true, ctx).argv).toEqual([H, "unit", "daemon-reload"]);
    expect(planCommand(["systemctl", "restart", "--", "shop-web@blue.service"], true, ctx).argv).toEqual([
      H,
      "unit",
      "restart",
      "shop-web@blue.service",
    ]);
    // restore runs `sudo -n systemctl ...` itself: the same request
    expect(planCommand(["sudo", "-n", "systemctl", "stop", "shop-web@blue.service"], true, ctx).argv).toEqual([
      H,
      "unit",
      "stop",
      "shop-web@blue.service",
    ]);
    expect(
      planCommand(["systemd-analyze", "verify", "/etc/systemd/system/shop-web@blue.service"], true, ctx).argv,
    ).toEqual([H, "unit", "verify", "shop-web@blue.service"]);
    expect(planCommand(["nginx", "-t"], true, ctx).argv).toEqual([H, "nginx", "test"]);
    expect(planCommand(nginxReload().argv, true, ctx).argv).toEqual([H, "nginx", "reload"]);
    expect(planCommand(ensureUserArgv("app-shop"), true, ctx).argv).toEqual([H, "app-user", "shop"]);
    expect(planCommand(["certbot", "certonly", "--webroot", "--pre-hook", "x"], true, ctx).argv).toEqual([
      H,
      "certbot",
      "shop",
    ]);
  });

  it("repoints the socket switch's links through the helper's links verb, the pairs verbatim", () => {
    const links = [
      { link: "/etc/nginx/slipway/shop-web.sock", target: "/run/slipway/shop-web-green.sock" },
      { link: "/etc/nginx/slipway/shop-web.preview.sock", target: "/run/slipway/shop-web-blue.sock" },
    ];
    expect(planCommand(pointLinksArgv(links, "set"), true, ctx)).toEqual({
      argv: [
        H,
        "links",
        "shop",
        "set",
        "/run/slipway/shop-web-green.sock",
        "/etc/nginx/slipway/shop-web.sock",
        "/run/slipway/shop-web-blue.sock",
        "/etc/nginx/slipway/shop-web.preview.sock",
      ],
      sudo: true,
    });
    expect(planCommand(pointLinksArgv(links, "check"), true, ctx).argv.slice(1, 4)).toEqual(["links", "shop", "check"]);
  });

  it("reads the app's units' journal through the helper (D22: a failed gate showed `-- No entries --`)", () => {
    const argv = journalArgv(["shop-web@blue.service", "shop-api@blue.service"], { lines: 40 });
    expect(planCommand(argv, true, ctx)).toEqual({
      argv: [H, "unit", "journal", "40", "shop-web@blue.service", "shop-api@blue.service"],
      sudo: true,
    });
    expect(() => planCommand(["journalctl", "--no-pager", "-n", "5", "-f", "x"], true, ctx)).toThrow(/helper mode/);
    expect(() => planCommand(["journalctl", "--no-pager", "-u", "a", "-n", "5"], true, ctx)).toThrow(/helper mode/);
  });

  it("`slipway logs` in helper mode (D35): the journal's flags to the helper, a follower wrapped as the deploy user", () => {
    const query = { lines: 5, sinceSeconds: 120, timestamps: true };
    const argv = journalArgv(["shop-web@blue.service"], query);
    const flags = ["-o", "short-iso", "-n", "5", "--since", "-120s"];
    expect(planCommand(argv, true, ctx)).toEqual({
      argv: [H, "unit", "journal", ...flags, "--", "shop-web@blue.service"],
      sudo: true,
    });
    const follow = untilStdinClosesArgv(journalArgv(["shop-web@blue.service"], { ...query, follow: true }));
    expect(planCommand(follow, true, ctx)).toEqual({
      argv: untilStdinClosesArgv([
        "sudo",
        "-n",
        "--",
        H,
        "unit",
        "journal",
        ...flags,
        "-f",
        "--",
        "shop-web@blue.service",
      ]),
      sudo: false,
    });
    const docker = untilStdinClosesArgv(containerLogsArgv("shop-web-blue", { lines: 10, follow: true }));
    expect(planCommand(docker, true, ctx)).toEqual({
      argv: untilStdinClosesArgv([
        "sudo",
        "-n",
        "--",
        H,
        "docker",
        "shop",
        "@logs",
        "--tail",
        "10",
        "--follow",
        "--",
        "shop-web-blue",
      ]),
      sudo: false,
    });
    expect(planCommand(follow, true, { mode: "root" })).toEqual({ argv: follow, sudo: true });
  });

  it("a backup's dump and restore: the redirection stays the deploy user's, each docker exec goes to the gate (D74)", () => {
    const exec = ["docker", "exec", "-i", "-e", "PGPASSFILE=/tmp/slipway-pgpass-k", "0123456789ab"];
    const gate = ["sudo", "-n", "--", H, "docker", "shop", "exec", "-i", "-e", "PGPASSFILE=/tmp/slipway-pgpass-k"];
    const dump = toFileArgv([...exec, "pg_dump", "-Fc", "-d", "shop"], "/opt/shop/backups/r.dump.part");
    expect(planCommand(dump, false, ctx)).toEqual({
      argv: toFileArgv([...gate, "0123456789ab", "pg_dump", "-Fc", "-d", "shop"], "/opt/shop/backups/r.dump.part"),
      sudo: false,
    });
    const restore = fromFileArgv([...exec, "pg_restore", "--clean"], "/opt/shop/backups/r.dump");
    expect(planCommand(restore, false, ctx)).toEqual({
      argv: fromFileArgv([...gate, "0123456789ab", "pg_restore", "--clean"], "/opt/shop/backups/r.dump"),
      sudo: false,
    });
    // A pipe: only the container's stage changes; a host command (gzip) runs as it is.
    const io = { input: "/opt/shop/backups/r.sql.gz", statusFile: "/opt/shop/backups/r.st" };
    const mysql = pipeArgv(["gzip", "-dc"], ["docker", "exec", "-i", "shop-db", "mysql", "shop"], io);
    expect(planCommand(mysql, false, ctx)).toEqual({
      argv: pipeArgv(
        ["gzip", "-dc"],
        ["sudo", "-n", "--", H, "docker", "shop", "exec", "-i", "shop-db", "mysql", "shop"],
        io,
      ),
      sudo: false,
    });
    // Root mode: the script as built, with sudo for the whole of it when asked.
    expect(planCommand(dump, false, { mode: "root" })).toEqual({ argv: dump, sudo: false });
    expect(planCommand(dump, true, { mode: "root" })).toEqual({ argv: dump, sudo: true });
  });

  it("runs `slipway status` as the deploy user, its docker and certificate reads through the helper (D34)", () => {
    const argv = statusArgv("/opt/shop", "/opt/shop/.slipway-lock", [{ kind: "container", target: "shop-web-blue" }]);
    expect(planCommand(argv, true, ctx)).toEqual({
      argv: [
        "sh",
        "-c",
        STATUS_SCRIPT,
        "sh",
        H,
        "shop",
        "/opt/shop",
        "/opt/shop/.slipway-lock",
        "container|shop-web-blue",
      ],
      sudo: false,
    });
    expect(planCommand(argv, true, { mode: "root" })).toEqual({ argv, sudo: true });
  });

  it("passes certbot only the names asked for; read-only systemctl queries and the CA bundle probe need no sudo", () => {
    const spec = {
      domains: ["shop.example.com", "www.shop.example.com"],
      webroot: "/var/www/slipway-acme",
      email: "ops@example.com",
      acmeServer: "https://acme.example/dir",
      staging: false,
      certName: "shop.example.com",
      renewBeforeDays: 30,
    };
    expect(planCommand(certbotCertonlyArgv(spec), true, ctx)).toEqual({
      argv: [H, "certbot", "shop", "shop.example.com", "www.shop.example.com"],
      sudo: true,
    });
    for (const argv of [unitLoadStateArgv("certbot.timer"), systemctlArgv("is-enabled", ["certbot.timer"])]) {
      expect(planCommand(argv, true, ctx)).toEqual({ argv, sudo: false });
    }
    expect(planCommand(["systemctl", "is-active", "shop-web@blue.service"], true, ctx).sudo).toBe(false);
    const cert = "/etc/letsencrypt/live/shop.example.com/fullchain.pem";
    expect(planCommand(["test", "-f", cert], true, ctx).argv).toEqual([H, "file", "exists", cert]);
    const probe = ["test", "-f", "/etc/ssl/ca.pem", "-a", "-r", "/etc/ssl/ca.pem"];
    expect(planCommand(probe, true, ctx)).toEqual({ argv: probe, sudo: false });
    // enabling a timer is not a query: refused (bootstrap enables certbot.timer)
    expect(() => planCommand(systemctlArgv("enable", ["certbot.timer"], ["--now"]), true, ctx)).toThrow(SlipwayError);
  });

  it("runs deploy-dir commands as the deploy user and data-dir commands as the app's user", () => {
    expect(planCommand(["mkdir", "-p", "--", "/opt/shop/env"], true, ctx)).toEqual({
      argv: ["mkdir", "-p", "--", "/opt/shop/env"],
      sudo: false,
    });
    expect(planCommand(writeArgv("/opt/shop/env/web-blue.env", { mode: 0o600 }), true, ctx).sudo).toBe(false);
    expect(planCommand(["sqlite3", "--version"], true, ctx)).toEqual({ argv: ["sqlite3", "--version"], sudo: false });
    expect(planCommand(["test", "-e", "/var/lib/shop/app.db"], true, ctx)).toEqual({
      argv: [H, "as-app", "shop", "test", "-e", "/var/lib/shop/app.db"],
      sudo: true,
    });
  });

  it("copies between the data dir and the deploy dir through a pipe, each side as its owner", () => {
    const backup = planCommand(
      ["sqlite3", "-bail", "-cmd", ".timeout 30000", "/var/lib/shop/app.db", "VACUUM INTO '/opt/shop/backups/b.part';"],
      true,
      ctx,
    );
    expect(backup.sudo).toBe(false);
    expect(backup.argv.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(backup.argv[2]).toBe(`sudo -n -- ${H} as-app shop sh -c "$1" sh "$2" > "$3"`);
    expect(backup.argv.slice(-2)).toEqual(["/var/lib/shop/app.db", "/opt/shop/backups/b.part"]);
    const restore = planCommand(["cp", "--", "/opt/shop/backups/b", "/var/lib/shop/app.db.slipway-restore"], true, ctx);
    expect(restore).toEqual({
      argv: [
        "sh",
        "-c",
        `sudo -n -- ${H} as-app shop sh -c 'cat > "$1"' sh "$1" < "$2"`,
        "sh",
        "/var/lib/shop/app.db.slipway-restore",
        "/opt/shop/backups/b",
      ],
      sudo: false,
    });
  });

  it("refuses what it has no verb for, naming root mode", () => {
    const refuse = (argv: string[]) => {
      try {
        planCommand(argv, true, ctx);
      } catch (error) {
        return error as SlipwayError;
      }
      throw new Error("not refused");
    };
    expect(refuse(["chown", "root", "/etc/shadow"]).message).toBe(
      "helper mode has no privileged operation for `chown root`",
    );
    expect(refuse(["cat", "/opt/shop/../../etc/shadow"]).hint).toContain("ssh.privilege: root");
    expect(refuse(["cp", "--", "/var/lib/shop/app.db", "/etc/x"])).toBeInstanceOf(SlipwayError);
    expect(refuse(["rm", "-rf", "--", "/"]).step).toBe("privilege");
  });

  it("routes `slipway remove`'s commands to helper verbs (D33): stop/disable, file rm per path, links rm", () => {
    const units = ["shop-web@blue.service", "shop-web@green.service"];
    expect(planCommand(systemctlArgv("stop", units), true, ctx).argv).toEqual([H, "unit", "stop", ...units]);
    expect(planCommand(systemctlArgv("disable", units), true, ctx).argv).toEqual([H, "unit", "disable", ...units]);
    expect(() => planCommand(systemctlArgv("disable", units, ["--now"]), true, ctx)).toThrow(SlipwayError);
    expect(planCommand(removeFilesArgv(["/etc/systemd/system/shop-web@.service"]), true, ctx).argv).toEqual([
      H,
      "file",
      "rm",
      "/etc/systemd/system/shop-web@.service",
    ]);
    const site = ["/etc/nginx/slipway/shop-web.upstream.conf", "/etc/nginx/conf.d/slipway-shop.conf"];
    expect(planCommand(removeFilesArgv(site), true, ctx)).toEqual({
      argv: ["sh", "-c", `for p; do sudo -n -- ${H} file rm "$p" || exit; done`, "sh", ...site],
      sudo: false,
    });
    const links = ["/etc/nginx/slipway/shop-web.sock", "/etc/nginx/slipway/shop-web.preview.sock"];
    expect(planCommand(removeFilesArgv(links), true, ctx)).toEqual({
      argv: [H, "links", "shop", "rm", ...links],
      sudo: true,
    });
    // A link among other files is not the links verb's: file rm (which refuses links on the host) per path.
    expect(planCommand(removeFilesArgv([site[0] as string, links[0] as string]), true, ctx).argv[2]).toContain(
      "file rm",
    );
    expect(() => planCommand(removeFilesArgv(["/etc/nginx/x.conf", "/opt/other/y"]), true, ctx)).toThrow(SlipwayError);
  });

  it("recognizes a helper refusal and names bootstrap as the next step (D23)", () => {
    const stderr = "slipway-helper: refused: read of '/etc/letsencrypt/live/b.test/fullchain.pem' (only ...)\n";
    expect(isHelperRefusal(64, stderr)).toBe(true);
    expect(isHelperRefusal(1, stderr)).toBe(false);
    expect(isHelperRefusal(64, "slipway-helper: /etc/nginx/slipway is not a directory")).toBe(false);
    // D37: the message names what was refused, as the helper said it.
    expect(helperRefusalMessage(`sudo: x\n${stderr}`)).toBe(
      "the privilege helper refused: read of '/etc/letsencrypt/live/b.test/fullchain.pem' (only ...)",
    );
    expect(helperRefusalMessage("")).toBe("the privilege helper refused the request");
    expect(helperRefusalHint("shop")).toBe(
      "the helper acts only on what bootstrap recorded for shop (/etc/slipway/apps/shop.conf: deploy dir, domains); if shop or a name in proxy.domains is new on this host, run playbooks/bootstrap.yml for it again (-e app_name=shop); otherwise see docs/security.md for what helper mode allows",
    );
  });

  it("says which mode a host is in", () => {
    expect(describePrivilege("helper", "slipdeploy")).toBe(`privilege: helper (slipdeploy runs only ${H} as root)`);
    expect(describePrivilege("root", "deploy")).toBe(
      "privilege: root (deploy is root-equivalent: sudo for every privileged step)",
    );
  });
});
