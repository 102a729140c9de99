/**
 * bootstrap.yml against a real sandbox target (t2: other suites use t1): it converges, a second run changes nothing,
 * the deploy user can still log in, and check mode after a config change prints the diff without touching a file.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parsePlaybookFile } from "../../../src/engine/parse/playbook.js";
import { type RunResult, runPlaybook } from "../../../src/engine/run.js";
import { inventoryFromSandbox, type SandboxInventoryFile, sshConnect } from "../../../src/engine/ssh.js";
import { defaultRegistry } from "../../../src/modules/index.js";
import { CLI_ENTRY, connectTarget, onTarget as onTargetAt } from "../support/sandbox.js";

const INVENTORY = ".sandbox/inventory.json";
const TARGET = "t2";
const MANAGED = [
  "/etc/sudoers.d/slipway-user-deploy",
  "/etc/slipway/firewall.nft",
  "/etc/slipway/firewall.d/app.nft",
  "/etc/systemd/system/slipway-firewall.service",
  "/etc/nginx/conf.d/slipway.conf",
  "/home/deploy/.ssh/authorized_keys",
];

async function waitForSandbox(): Promise<SandboxInventoryFile> {
  for (let i = 0; i < 60 && !existsSync(INVENTORY); i++) await new Promise((r) => setTimeout(r, 10_000));
  if (!existsSync(INVENTORY))
    throw new Error(`${INVENTORY} is missing: start the sandbox with \`npm run sandbox -- up\``);
  return JSON.parse(readFileSync(INVENTORY, "utf8")) as SandboxInventoryFile;
}

describe("playbooks/bootstrap.yml on a sandbox target", () => {
  let sandbox: SandboxInventoryFile;
  let publicKey: string;
  const modules = defaultRegistry();
  const playbook = () => parsePlaybookFile("playbooks/bootstrap.yml", { modules });

  async function bootstrap(extraVars: Record<string, unknown> = {}, check = false): Promise<RunResult> {
    const { inventory, ssh } = inventoryFromSandbox(sandbox);
    return runPlaybook(playbook(), {
      inventory,
      connect: sshConnect(ssh),
      modules,
      limit: TARGET,
      check,
      extraVars: { deploy_public_keys: [publicKey], deploy_privilege: "root", ...extraVars },
    });
  }

  async function onTarget(argv: string[]): Promise<string> {
    return (await onTargetAt(TARGET, argv, { become: true, check: false })).stdout;
  }

  const checksums = () => onTarget(["sha256sum", "--", ...MANAGED]);

  beforeAll(async () => {
    sandbox = await waitForSandbox();
    publicKey = execFileSync("ssh-keygen", ["-y", "-f", sandbox.privateKeyPath], { encoding: "utf8" }).trim();
  });

  it("converges, then a second run reports changed=0", async () => {
    // Drift the target first, so the first run has something to converge (other suites may have bootstrapped t2).
    // The unused log rotation file of earlier versions (D68) is there to be removed.
    await onTarget(["rm", "-f", "--", "/etc/slipway/firewall.d/app.nft"]);
    await onTarget(["sh", "-c", "echo '/opt/app/logs/*.log {}' > /etc/logrotate.d/slipway-app"]);
    const first = await bootstrap();
    expect(first.outcomes.filter((o) => o.status === "changed").map((o) => o.task)).toEqual(
      expect.arrayContaining([
        "firewall rules (inbound 22, 80, 443 only; Docker's tables untouched)",
        "the unused per-app log rotation file removed",
        "reload firewall",
      ]),
    );
    // Each notified handler ran once, after the tasks: "reload firewall" always (its file was removed above), "reload
    // nginx" and "reload systemd" (nginx's and certbot's drop-ins) too when the target had never been bootstrapped:
    // a fresh sandbox, or this file run before every other on t2.
    const handlers = first.outcomes.filter((o) => o.handler).map((o) => o.task);
    expect(handlers).toContain("reload firewall");
    expect(new Set(handlers).size).toBe(handlers.length);
    expect(handlers.every((h) => ["reload firewall", "reload nginx", "reload systemd"].includes(h))).toBe(true);
    const failures = first.outcomes.filter((o) => o.status === "failed" || o.status === "unreachable");
    expect(failures.map((o) => `${o.task}: ${o.msg}`)).toEqual([]);
    expect(first.ok).toBe(true);

    const second = await bootstrap();
    const changed = second.outcomes.filter((o) => o.status === "changed").map((o) => `${o.task}: ${o.msg}`);
    expect(changed).toEqual([]);
    expect(second.recap[TARGET]).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
  });

  it("leaves the deploy user able to log in, with the firewall and sudoers in place", async () => {
    const host = await connectTarget(TARGET);
    try {
      expect((await host.exec(["id", "-nG"])).stdout).toMatch(/\bdocker\b/);
      const table = await host.exec(["nft", "list", "table", "inet", "slipway_firewall"], { become: true });
      // The host-wide SSH rule, then the app's file included after it.
      expect(table.stdout).toMatch(/tcp dport (22|\{ 22 \}) accept\n\s*tcp dport \{ 80, 443 \} accept/);
      expect((await host.exec(["visudo", "-cf", "/etc/sudoers.d/slipway-user-deploy"], { become: true })).code).toBe(0);
      expect(
        (await host.exec(["systemctl", "is-active", "nginx", "docker", "slipway-firewall"])).stdout
          .split("\n")
          .filter(Boolean),
      ).toEqual(["active", "active", "active"]);
    } finally {
      await host.close();
    }
  });

  it("check mode after a config change prints the diff and changes nothing", async () => {
    const before = await checksums();
    const output = execFileSync(
      process.execPath,
      [
        CLI_ENTRY,
        "plan",
        "playbooks/bootstrap.yml",
        "-i",
        INVENTORY,
        "-l",
        TARGET,
        "-e",
        JSON.stringify({ deploy_public_keys: [publicKey], firewall_tcp_ports: [22, 80, 443, 8443] }),
      ],
      { encoding: "utf8" },
    );
    expect(output).toContain("-    tcp dport { 80, 443 } accept");
    expect(output).toContain("+    tcp dport { 80, 443, 8443 } accept");
    expect(output).toMatch(/t2\s+: ok=\d+ changed=\d+ unreachable=0 failed=0/);
    expect(output).toContain("check mode: nothing was changed");
    expect(await checksums()).toBe(before);
  });
});
