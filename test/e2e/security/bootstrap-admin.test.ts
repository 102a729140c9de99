// e2e-targets: t7
/**
 * A helper-mode slipway.yml bootstraps its own host (t7): `slipway run playbooks/bootstrap.yml -c slipway.yml --user
 * deploy` connects as the sandbox's admin (`deploy`, full sudo) instead of the config's `ssh.user`, and bootstrap sets
 * that user up in the config's mode (helper: its one sudo rule is the helper). Afterwards the config's user logs in;
 * the same run without `--user` is refused at the first privileged task, with a hint naming `--user`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { RemoteHost } from "../../../src/remote/types.js";
import { runCli } from "../deploy/fault-support.js";
import { connectTarget, loadSandbox, sandboxTarget } from "../support/sandbox.js";
import { forgetApp } from "./helper-support.js";

const TARGET = "t7";
const APP = "bootadmin";
const USER = "slipadmin7";

function writeConfig(): string {
  const sandbox = loadSandbox();
  const target = sandboxTarget(TARGET, sandbox);
  const config = {
    app: APP,
    runtime: "systemd",
    services: {
      web: { build: { context: "web" }, port: 8000, health: { path: "/health" }, systemd: { app_module: "a:app" } },
    },
    inventory: {
      ssh: {
        user: USER,
        privilege: "helper",
        known_hosts_file: sandbox.knownHostsPath,
        identity_file: sandbox.privateKeyPath,
      },
      hosts: { [TARGET]: { address: target.host } },
    },
    proxy: { domains: [`${APP}.e2e.test`], routes: [{ path: "/", service: "web" }] },
    tls: { enabled: false },
  };
  const path = join(mkdtempSync(join(tmpdir(), "slipway-bootstrap-admin-")), "slipway.yml");
  writeFileSync(path, stringify(config));
  return path;
}

describe("bootstrap with a helper-mode config, as an admin (--user, t7)", () => {
  let root: RemoteHost;
  let config: string;
  const publicKey = () => execFileSync("ssh-keygen", ["-y", "-f", loadSandbox().privateKeyPath], { encoding: "utf8" });
  const bootstrap = (extra: string[]) =>
    runCli([
      "run",
      "playbooks/bootstrap.yml",
      "-c",
      config,
      "-t",
      "user,helper,dirs",
      "-e",
      JSON.stringify({ deploy_public_keys: [publicKey().trim()] }),
      ...extra,
    ]);

  beforeAll(async () => {
    root = await connectTarget(TARGET);
    config = writeConfig();
    // The login user an admin would have made (bootstrap gives it its key and its sudo rule).
    const script = 'id -u "$1" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash -- "$1"';
    await root.exec(["sh", "-c", script, "sh", USER], { become: true });
  });

  afterAll(async () => {
    if (!root) return;
    await forgetApp(root, APP);
    await root.exec(["rm", "-f", "--", `/etc/sudoers.d/slipway-user-${USER}`], { become: true, check: false });
    await root.exec(["userdel", "--remove", USER], { become: true, check: false });
    await root.exec(["rm", "-rf", "--", `/opt/${APP}`, `/var/lib/${APP}`], { become: true, check: false });
    await root.close();
  });

  it("sets up the config's user in helper mode; without --user the hint names it", async () => {
    const run = await bootstrap(["--user", sandboxTarget(TARGET).user]);
    expect(run.code, run.output).toBe(0);
    const sudoers = await root.exec(["cat", `/etc/sudoers.d/slipway-user-${USER}`], { become: true });
    const rules = sudoers.stdout.split("\n").filter((l) => l.trim() && !l.startsWith("#"));
    expect(rules).toEqual([`${USER} ALL=(root) NOPASSWD: /usr/local/libexec/slipway/slipway-helper`]);

    const refused = await bootstrap([]);
    expect(refused.code, refused.output).toBe(2);
    expect(refused.output).toContain("helper mode has no privileged operation");
    expect(refused.output).toContain("--user <root or an admin with full sudo>");
  });
});
