/**
 * `slipway run` / `slipway plan` with a project's slipway.yml against t2: the inventory, the hook tasks and the secret
 * values all come from slipway.yml; secrets are masked in the printed diffs; plan changes nothing on the host.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxInventoryFile } from "../../../src/engine/ssh.js";
import { SECRET_CONTENT_CHANGED } from "../../../src/remote/redact.js";
import { CLI_ENTRY, onTarget as onTargetAt, sandboxTarget } from "../support/sandbox.js";

const INVENTORY = ".sandbox/inventory.json";
const ROOT = "/opt/slipway-e2e-cli";
const SECRET = "tok-3f9a7c1e5b";

describe("slipway run/plan with slipway.yml on t2", () => {
  let sandbox: SandboxInventoryFile;
  let dir: string;

  function slipway(args: string[]): string {
    return execFileSync(process.execPath, [CLI_ENTRY, ...args], {
      encoding: "utf8",
      env: { ...process.env, SLIPWAY_E2E_TOKEN: SECRET },
    });
  }

  async function onTarget(argv: string[]): Promise<string> {
    return (await onTargetAt("t2", argv, { become: true, check: false })).stdout;
  }

  beforeAll(async () => {
    for (let i = 0; i < 60 && !existsSync(INVENTORY); i++) await new Promise((r) => setTimeout(r, 10_000));
    sandbox = JSON.parse(readFileSync(INVENTORY, "utf8")) as SandboxInventoryFile;
    dir = mkdtempSync(join(tmpdir(), "slipway-engine-cli-"));
    writeFileSync(
      join(dir, "slipway.yml"),
      [
        "app: e2ecli",
        "runtime: systemd",
        "proxy: { mode: internal }",
        "services:",
        "  web:",
        "    build: { context: . }",
        "    port: 5001",
        '    systemd: { app_module: "web:app" }',
        "    secrets: [SLIPWAY_E2E_TOKEN]",
        "inventory:",
        "  ssh:",
        "    user: deploy",
        `    known_hosts_file: ${resolve(sandbox.knownHostsPath)}`,
        `    identity_file: ${resolve(sandbox.privateKeyPath)}`,
        "  hosts:",
        // Through sandboxTarget: under SLIPWAY_E2E_TARGET_OFFSET the play goes where onTarget looks.
        `    t2: { address: ${sandboxTarget("t2").host} }`,
        "hooks:",
        "  before_switch:",
        "    - module: copy",
        "      name: hook from slipway.yml",
        `      dest: ${ROOT}/hook.txt`,
        "      content: \"app={{ config.app }} {{ marker | default('v1') }}\\n\"",
      ].join("\n"),
    );
    writeFileSync(
      join(dir, "play.yml"),
      [
        "- hosts: all",
        "  become: true",
        "  gather_facts: false",
        "  tasks:",
        `    - file: { path: ${ROOT}, state: directory, mode: "0755" }`,
        `    - copy: { dest: ${ROOT}/token.conf, content: "token={{ token }}\\n", mode: "0600" }`,
        "    - hook: before_switch",
      ].join("\n"),
    );
    await onTarget(["rm", "-rf", "--", ROOT]);
  });

  afterAll(async () => {
    if (sandbox) await onTarget(["rm", "-rf", "--", ROOT]).catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("runs the hook from slipway.yml and never diffs its 0600 secret file", () => {
    const out = slipway([
      "run",
      join(dir, "play.yml"),
      "-c",
      join(dir, "slipway.yml"),
      "--diff",
      "-e",
      `token=${SECRET}`,
    ]);
    expect(out).toContain(SECRET_CONTENT_CHANGED);
    expect(out).not.toContain(SECRET);
    expect(out).toContain("changed: [t2] hook from slipway.yml");
    expect(out).toMatch(/t2 : ok=3 changed=3 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0/);
  });

  it("plan prints the hook's diff and changes nothing", async () => {
    const before = await onTarget(["sha256sum", "--", `${ROOT}/hook.txt`, `${ROOT}/token.conf`]);
    const out = slipway([
      "plan",
      join(dir, "play.yml"),
      "-c",
      join(dir, "slipway.yml"),
      "-e",
      `token=${SECRET}`,
      "-e",
      "marker=v2",
    ]);
    expect(out).toContain("-app=e2ecli v1");
    expect(out).toContain("+app=e2ecli v2");
    expect(out).toMatch(/t2 : ok=3 changed=1 /);
    expect(out).toContain("check mode: nothing was changed");
    expect(await onTarget(["sha256sum", "--", `${ROOT}/hook.txt`, `${ROOT}/token.conf`])).toBe(before);
  });
});
