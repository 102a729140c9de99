import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { aptInstallArgv, dpkgQueryArgv } from "../../../src/commands/apt.js";
import { containerRunArgv, specHash } from "../../../src/commands/docker.js";
import { parseInstalled } from "../../../src/modules/apt.js";
import { composeBase, composeChanged, upArgv } from "../../../src/modules/compose.js";
import { containerRunOf } from "../../../src/modules/docker_container.js";
import { planFile } from "../../../src/modules/file.js";
import { validateArgv } from "../../../src/modules/support/install.js";
import { splitCommand } from "../../../src/modules/support/shlex.js";
import { parseStat } from "../../../src/modules/support/stat.js";
import { parseShow, planUnit } from "../../../src/modules/systemd.js";
import { missingKeys, parseUser, planUser } from "../../../src/modules/user.js";
import { runText } from "./helpers.js";

describe("builders", () => {
  it("splits command lines without a shell", () => {
    expect(splitCommand(`visudo -cf "/tmp/a b" 'it''s' x\\ y`)).toEqual(["visudo", "-cf", "/tmp/a b", "its", "x y"]);
    expect(() => splitCommand("echo 'open")).toThrow("unterminated");
  });

  it("validate argv replaces %s", () => {
    expect(validateArgv("visudo -cf %s", "/tmp/c")).toEqual(["visudo", "-cf", "/tmp/c"]);
    expect(validateArgv("nginx -t -c%s", "/tmp/c")).toEqual(["nginx", "-t", "-c/tmp/c"]);
    expect(() => validateArgv("nginx -t", "/tmp/c")).toThrow("has no %s");
  });

  it("file plans", () => {
    const dir = { kind: "directory" as const, mode: "0755", owner: "root", group: "root" };
    expect(planFile({ path: "/srv/a", state: "directory", mode: "0750", owner: "deploy" }, undefined)).toEqual({
      commands: [
        ["mkdir", "-p", "--", "/srv/a"],
        ["chmod", "0750", "--", "/srv/a"],
        ["chown", "deploy", "--", "/srv/a"],
      ],
      after: { kind: "directory", mode: "0750", owner: "deploy", group: "", linkTarget: undefined },
    });
    expect(planFile({ path: "/srv/a", state: "directory", mode: "0755" }, dir)).toMatchObject({ commands: [] });
    expect(planFile({ path: "/srv/a", state: "absent" }, dir)).toMatchObject({
      commands: [["rm", "-rf", "--", "/srv/a"]],
    });
    expect(
      planFile({ path: "/srv/cur", state: "link", src: "/srv/r2" }, { ...dir, kind: "link", linkTarget: "/srv/r1" }),
    ).toMatchObject({
      commands: [["ln", "-sfn", "--", "/srv/r2", "/srv/cur"]],
    });
    expect(planFile({ path: "/srv/a", state: "file" }, undefined)).toEqual({
      error: "/srv/a does not exist (use state: touch to create it, or copy/template)",
    });
    expect(parseStat("directory|750|deploy|www-data\n")).toEqual({
      kind: "directory",
      mode: "0750",
      owner: "deploy",
      group: "www-data",
    });
  });

  it("apt", () => {
    expect(dpkgQueryArgv(["nginx"])).toEqual([
      "dpkg-query",
      "-W",
      "-f",
      "${Package} ${db:Status-Abbrev}\\n",
      "--",
      "nginx",
    ]);
    expect([...parseInstalled("nginx ii \ncurl un \nlibc6:amd64 ii \n")]).toEqual(["nginx", "libc6"]);
    expect(aptInstallArgv(["curl"], false)).toEqual([
      "env",
      "DEBIAN_FRONTEND=noninteractive",
      "apt-get",
      "install",
      "-y",
      "-q",
      "--no-install-recommends",
      "--",
      "curl",
    ]);
  });

  it("systemd", () => {
    const state = parseShow("ActiveState=inactive\nUnitFileState=disabled\n");
    expect(planUnit({ name: "nginx", state: "started", enabled: true, daemon_reload: false }, state)).toEqual([
      ["systemctl", "enable", "--", "nginx"],
      ["systemctl", "start", "--", "nginx"],
    ]);
    expect(
      planUnit(
        { name: "nginx", state: "started", enabled: true, daemon_reload: false },
        { active: "active", unitFile: "enabled" },
      ),
    ).toEqual([]);
  });

  it("user", () => {
    const args = {
      name: "deploy",
      state: "present" as const,
      shell: "/bin/bash",
      groups: ["docker"],
      system: false,
      authorized_keys: [],
    };
    expect(planUser(args, undefined)).toEqual([
      ["useradd", "--create-home", "--shell", "/bin/bash", "--groups", "docker", "--", "deploy"],
    ]);
    const current = parseUser("deploy:x:1000:1000::/home/deploy:/bin/sh\n", "deploy sudo\n");
    expect(planUser(args, current)).toEqual([
      ["usermod", "--shell", "/bin/bash", "--", "deploy"],
      ["usermod", "--append", "--groups", "docker", "--", "deploy"],
    ]);
    expect(missingKeys("ssh-ed25519 AAA old\n", ["ssh-ed25519 AAA new-comment", "ssh-ed25519 BBB"])).toEqual([
      "ssh-ed25519 BBB",
    ]);
  });

  it("docker_container, compose, http_wait", () => {
    const args = {
      name: "web",
      image: "app:1",
      state: "started" as const,
      command: [],
      ports: ["127.0.0.1:8001:8000"],
      env: { MODE: "prod" },
      env_file: "/srv/app/.env",
      volumes: [],
      labels: {},
      restart_policy: "unless-stopped" as const,
    };
    const base = [
      "docker",
      "run",
      "--detach",
      "--name",
      "web",
      "--restart",
      "unless-stopped",
      "--env-file",
      "/srv/app/.env",
      "--env",
      "MODE=prod",
      "--publish",
      "127.0.0.1:8001:8000",
      "sha256:abc",
    ];
    const run = containerRunArgv(containerRunOf(args, "sha256:abc"));
    expect(run.spec).toBe(specHash(base));
    expect(run.argv).toEqual([...base.slice(0, -1), "--label", `slipway.spec=${run.spec}`, "sha256:abc"]);
    const compose = {
      project_src: "/srv/app",
      project_name: "app-blue",
      files: ["compose.yml"],
      state: "present" as const,
      services: [],
      remove_orphans: true,
      timeout_s: 300,
    };
    expect(upArgv(composeBase("v1", compose), compose)).toEqual([
      "docker-compose",
      "--project-name",
      "app-blue",
      "--file",
      "compose.yml",
      "up",
      "--detach",
      "--remove-orphans",
    ]);
    expect(composeChanged(" Container app-blue-web-1  Running\n")).toBe(false);
    expect(composeChanged("Recreating app-blue_web_1 ... done\n")).toBe(true);
  });
});

describe("modules against the fake host", () => {
  it("template validates before installing and skips installing when validation fails", async () => {
    const play = (content: string) =>
      [
        "- hosts: all",
        "  tasks:",
        `    - template: { content: "${content}", dest: /etc/sudoers.d/slipway, mode: '0440', validate: 'visudo -cf %s' }`,
      ].join("\n");
    const ok = await runText(play("deploy ALL=(root) NOPASSWD: /usr/bin/true\\n"));
    const host = ok.hosts.get("a");
    expect(host?.files.get("/etc/sudoers.d/slipway")).toMatchObject({
      content: "deploy ALL=(root) NOPASSWD: /usr/bin/true\n",
      mode: "0440",
    });
    expect(host?.ran.filter((c) => c.startsWith("visudo"))[0]).toMatch(
      /^visudo -cf \/tmp\/\.slipway-validate-[0-9a-f]{12}-slipway$/,
    );

    const bad = await runText(play("broken"), {
      setup: (h) => h.handlers.set("visudo", () => ({ code: 1, stderr: "syntax error near line 1" })),
    });
    expect(bad.hosts.get("a")?.files.has("/etc/sudoers.d/slipway")).toBe(false);
    expect(bad.outcomes[0]?.msg).toContain("validation of /etc/sudoers.d/slipway failed; the file was not installed");
  });

  it("copy is idempotent: the second run changes nothing", async () => {
    const yaml = [
      "- hosts: all",
      "  tasks:",
      "    - copy: { dest: /etc/motd, content: hello, mode: '0644' }",
      "    - file: { path: /srv/app, state: directory, mode: '0750' }",
    ].join("\n");
    const first = await runText(yaml);
    const host = first.hosts.get("a");
    expect(first.recap.a?.changed).toBe(2);
    const second = await runText(yaml, {
      setup: (h) => {
        for (const [k, v] of host?.files ?? []) h.files.set(k, { ...v });
      },
    });
    expect(second.recap.a).toMatchObject({ ok: 2, changed: 0 });
  });

  it("lock refuses a lock held by someone else and names the holder", async () => {
    const run = await runText(
      ["- hosts: all", "  tasks:", "    - lock: { path: /srv/app/.lock, holder: ci-42 }"].join("\n"),
      {
        setup: (h) => {
          h.files.set("/srv/app/.lock", { kind: "directory", mode: "0755", owner: "deploy", group: "deploy" });
          h.writeFile(
            "/srv/app/.lock/holder",
            '{"holder":"alice@laptop","commit":"abc123","since":"2026-01-01T00:00:00Z"}',
          );
        },
      },
    );
    expect(run.outcomes[0]?.msg).toBe(
      "deploy lock /srv/app/.lock is held by alice@laptop (commit abc123) since 2026-01-01T00:00:00Z; wait for that deploy to finish; if it is stale (the deploy died: see `slipway lock status`), run `slipway lock release` or deploy again with --force-unlock",
    );
  });

  it("lock without a path locks slipway.yml's deploy_dir, with the deploy's run record (one lock for both)", async () => {
    const run = await runText(["- hosts: all", "  tasks:", "    - lock: { holder: ci-42, commit: abc }"].join("\n"), {
      config: { deploy_dir: "/opt/shop" },
    });
    expect(run.outcomes[0]?.status).toBe("changed");
    const text = run.hosts.get("a")?.files.get("/opt/shop/.slipway-lock/holder")?.content ?? "";
    const record = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(record).sort()).toEqual(["commit", "holder", "host", "pid", "run_id", "since"]);
    expect(record).toMatchObject({ holder: "ci-42", commit: "abc", pid: process.pid, host: hostname() });
  });

  it("lock takes over a lock whose holder process died on this machine, as the deploy does", async () => {
    const dead = 4_194_304 + 7; // above Linux's largest pid_max: no such process
    const run = await runText(
      ["- hosts: all", "  tasks:", "    - lock: { path: /srv/app/.lock, holder: ci-43 }"].join("\n"),
      {
        setup: (h) => {
          h.files.set("/srv/app/.lock", { kind: "directory", mode: "0755", owner: "deploy", group: "deploy" });
          h.writeFile(
            "/srv/app/.lock/holder",
            JSON.stringify({
              holder: "ci-41",
              commit: "c",
              since: "2026-01-01T00:00:00Z",
              pid: dead,
              host: hostname(),
            }),
          );
        },
      },
    );
    expect(run.outcomes[0]?.status).toBe("changed");
    expect(run.outcomes[0]?.msg).toMatch(
      /^taking over the stale lock \/srv\/app\/\.lock: its holder ci-41 .*; acquired/,
    );
    expect(run.hosts.get("a")?.files.get("/srv/app/.lock/holder")?.content).toContain('"holder":"ci-43"');
  });
});
