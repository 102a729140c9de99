/**
 * D29 on a real target (t2): bootstrap app A, then app B with its own deploy user, on one host. Both apps' ports stay
 * open (a TCP connect is refused, not dropped: the firewall let it through), both apps' log rotation and sudo rules
 * are there, and re-running A's bootstrap leaves every file of B's byte for byte.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePlaybookFile } from "../../../src/engine/parse/playbook.js";
import { type RunResult, runPlaybook } from "../../../src/engine/run.js";
import { inventoryFromSandbox, type SandboxInventoryFile, sshConnect } from "../../../src/engine/ssh.js";
import { defaultRegistry } from "../../../src/modules/index.js";
import { onTarget as onTargetAt, sandboxTarget } from "../support/sandbox.js";

const INVENTORY = ".sandbox/inventory.json";
const TARGET = "t2";
const A = { app_name: "fw-a", firewall_tcp_ports: [22, 18081], deploy_privilege: "root" };
const B = { app_name: "fw-b", firewall_tcp_ports: [22, 18082], deploy_user: "fwdeploy", deploy_privilege: "helper" };
const B_FILES = [
  "/etc/slipway/firewall.d/fw-b.nft",
  "/etc/sudoers.d/slipway-user-fwdeploy",
  "/etc/slipway/apps/fw-b.conf",
];

/** "refused" when the host answered (the firewall let the SYN in; nothing listens), "dropped" after 3 s of silence. */
function probe(host: string, port: number): Promise<"refused" | "dropped" | "open"> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(3000, () => {
      socket.destroy();
      resolve("dropped");
    });
    socket.on("connect", () => {
      socket.destroy();
      resolve("open");
    });
    socket.on("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED" ? "refused" : "dropped"));
  });
}

describe("bootstrap.yml: two apps on one host", () => {
  let sandbox: SandboxInventoryFile;
  let publicKey: string;
  const modules = defaultRegistry();
  const address = () => sandboxTarget(TARGET).host;
  const onTarget = async (argv: string[]) => (await onTargetAt(TARGET, argv, { become: true, check: false })).stdout;

  async function bootstrap(vars: Record<string, unknown>): Promise<RunResult> {
    const { inventory, ssh } = inventoryFromSandbox(sandbox);
    return runPlaybook(parsePlaybookFile("playbooks/bootstrap.yml", { modules }), {
      inventory,
      connect: sshConnect(ssh),
      modules,
      limit: TARGET,
      extraVars: { deploy_public_keys: [publicKey], ...vars },
    });
  }
  const failures = (run: RunResult) =>
    run.outcomes.filter((o) => o.status === "failed" || o.status === "unreachable").map((o) => `${o.task}: ${o.msg}`);

  // Whether another suite had already turned t2's firewall on: if not, it goes off again afterwards, so later suites
  // on t2 (whatever order the files run in) reach its nginx on port 80, which neither app here opens.
  let firewallWasOn = false;

  beforeAll(async () => {
    firewallWasOn = (await onTarget(["systemctl", "is-active", "slipway-firewall"])).trim() === "active";
    sandbox = JSON.parse(readFileSync(INVENTORY, "utf8")) as SandboxInventoryFile;
    publicKey = execFileSync("ssh-keygen", ["-y", "-f", sandbox.privateKeyPath], { encoding: "utf8" }).trim();
  });

  afterAll(async () => {
    await onTarget(["rm", "-rf", "--", "/opt/fw-a", "/opt/fw-b", "/etc/slipway/apps/fw-a.conf", ...B_FILES]);
    await onTarget(["rm", "-f", "--", "/etc/slipway/firewall.d/fw-a.nft", "/etc/logrotate.d/slipway-fw-a"]);
    await onTarget(["userdel", "-r", "fwdeploy"]);
    if (firewallWasOn) await onTarget(["systemctl", "restart", "slipway-firewall"]);
    else await onTarget(["systemctl", "disable", "--now", "slipway-firewall"]);
  });

  it("bootstrapping B keeps A's port open; both apps' sudo rules are in place", async () => {
    expect(failures(await bootstrap(A))).toEqual([]);
    expect(await probe(address(), 18081)).toBe("refused");
    expect(failures(await bootstrap(B))).toEqual([]);
    expect(await probe(address(), 18081)).toBe("refused");
    expect(await probe(address(), 18082)).toBe("refused");
    expect(await probe(address(), 18083)).toBe("dropped");

    // No rule for <deploy_dir>/logs, which nothing writes (D68).
    expect(await onTarget(["sh", "-c", "ls /etc/logrotate.d/ | grep -c '^slipway-fw-' || true"])).toBe("0\n");
    const rules = (
      await onTarget(["cat", "/etc/sudoers.d/slipway-user-deploy", "/etc/sudoers.d/slipway-user-fwdeploy"])
    )
      .split("\n")
      .filter((l) => l.trim() && !l.startsWith("#"));
    expect(rules).toEqual([
      "deploy ALL=(ALL) NOPASSWD: ALL",
      "fwdeploy ALL=(root) NOPASSWD: /usr/local/libexec/slipway/slipway-helper",
    ]);
    expect(
      await onTarget(["sh", "-c", "visudo -c >/dev/null && logrotate -d /etc/logrotate.conf 2>/dev/null && echo ok"]),
    ).toBe("ok\n");
  });

  it("re-running A's bootstrap changes nothing of B's (and nothing at all)", async () => {
    const before = await onTarget(["sha256sum", "--", ...B_FILES]);
    const again = await bootstrap(A);
    expect(failures(again)).toEqual([]);
    expect(again.outcomes.filter((o) => o.status === "changed").map((o) => o.task)).toEqual([]);
    expect(await onTarget(["sha256sum", "--", ...B_FILES])).toBe(before);
    expect(await probe(address(), 18082)).toBe("refused");
  });

  it("refuses to change a shared deploy user's privilege for one app (its other apps would break)", async () => {
    const run = await bootstrap({ ...B, deploy_privilege: "root" });
    expect(run.ok).toBe(false);
    const failed = run.outcomes.find((o) => o.status === "failed");
    expect(failed?.task).toBe("the deploy user keeps the privilege its other apps were bootstrapped with");
    expect(failed?.msg).toContain(
      "fwdeploy already has another deploy_privilege (/etc/sudoers.d/slipway-user-fwdeploy",
    );
    expect(await onTarget(["grep", "-c", "NOPASSWD: ALL", "/etc/sudoers.d/slipway-user-fwdeploy"])).toBe("0\n");
  });
});
