/**
 * playbooks/swarm.yml on the swarm engineer's targets t4 (manager), t5 and t6 (workers): a three-node swarm forms,
 * the manager labels the nodes from `swarm.node_labels`, and a second run changes nothing. The swarm is left in place
 * (the deploy tests use it). Run with `flock /tmp/slipway-swarm.lock`.
 */
import { existsSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfigText } from "../../../src/config/load.js";
import { swarmPlaybookVars } from "../../../src/config/swarm.js";
import { parsePlaybookFile } from "../../../src/engine/parse/playbook.js";
import { type RunResult, runPlaybook } from "../../../src/engine/run.js";
import { inventoryFromSandbox, type SandboxInventoryFile, sshConnect } from "../../../src/engine/ssh.js";
import { defaultRegistry } from "../../../src/modules/index.js";
import { INVENTORY_PATH, onTarget } from "../support/sandbox.js";

const NODES = ["t4", "t5", "t6"];

function swarmConfig(sandbox: SandboxInventoryFile) {
  const hosts = Object.fromEntries(
    sandbox.targets.filter((t) => NODES.includes(t.name)).map((t) => [t.name, { address: t.host }]),
  );
  const text = stringify({
    app: "swarmdemo",
    runtime: "swarm",
    services: { web: { image: "10.213.0.1:5000/swarmdemo-web", port: 8000 } },
    inventory: { hosts },
    proxy: { routes: [{ path: "/", service: "web" }] },
    swarm: { manager: "t4", node_labels: { t4: { db: "true" }, t5: { zone: "b" } } },
  });
  return parseConfigText(text, "/tmp/swarm-e2e/slipway.yml");
}

describe("playbooks/swarm.yml on t4..t6", () => {
  let sandbox: SandboxInventoryFile;
  const modules = defaultRegistry();

  async function run(): Promise<RunResult> {
    const { inventory, ssh } = inventoryFromSandbox(sandbox);
    const config = swarmConfig(sandbox);
    for (const name of NODES) {
      const host = inventory.hosts[name];
      if (host) host.vars = { ...host.vars, ...swarmPlaybookVars(config, name) };
    }
    const playbook = parsePlaybookFile("playbooks/swarm.yml", { modules });
    return runPlaybook(playbook, { inventory, connect: sshConnect(ssh), modules, limit: NODES.join(",") });
  }

  beforeAll(() => {
    if (!existsSync(INVENTORY_PATH)) throw new Error("start the sandbox first (npm run sandbox -- up)");
    sandbox = JSON.parse(readFileSync(INVENTORY_PATH, "utf8")) as SandboxInventoryFile;
  });

  it("forms a three-node swarm with the labels, and converges on a second run", async () => {
    const first = await run();
    const failed = first.outcomes.filter((o) => o.status === "failed" || o.status === "unreachable");
    expect(failed.map((o) => `${o.host} ${o.task}: ${o.msg}`)).toEqual([]);
    const nodes = (
      await onTarget("t4", ["docker", "node", "ls", "--format", "{{.Hostname}} {{.Status}}"], { become: true })
    ).stdout
      .trim()
      .split("\n")
      .sort();
    expect(nodes).toEqual(["t4 Ready", "t5 Ready", "t6 Ready"]);
    const labels = async (node: string) =>
      JSON.parse(
        (
          await onTarget("t4", ["docker", "node", "inspect", "--format", "{{json .Spec.Labels}}", node], {
            become: true,
          })
        ).stdout,
      );
    expect(await labels("t4")).toMatchObject({ db: "true" });
    expect(await labels("t5")).toMatchObject({ zone: "b" });

    const second = await run();
    expect(second.ok).toBe(true);
    expect(second.outcomes.filter((o) => o.status === "changed").map((o) => `${o.host} ${o.task}`)).toEqual([]);
  }, 240_000);
});
