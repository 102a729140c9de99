/** The sandbox swarm of the swarm e2e tests: t4 manager, t5 and t6 workers, formed by playbooks/swarm.yml. */
import { stringify } from "yaml";
import { parseConfigText } from "../../../src/config/load.js";
import { swarmPlaybookVars } from "../../../src/config/swarm.js";
import { parsePlaybookFile } from "../../../src/engine/parse/playbook.js";
import { type RunResult, runPlaybook } from "../../../src/engine/run.js";
import { inventoryFromSandbox, type SandboxInventoryFile, sshConnect } from "../../../src/engine/ssh.js";
import { defaultRegistry } from "../../../src/modules/index.js";
import { loadSandbox, sandboxTarget } from "../support/sandbox.js";

export const NODES = ["t4", "t5", "t6"];

function swarmConfig(sandbox: SandboxInventoryFile) {
  const hosts = Object.fromEntries(sandbox.targets.map((t) => [t.name, { address: t.host }]));
  const text = stringify({
    app: "swarmdemo",
    runtime: "swarm",
    // Every node pulls: validate refuses runtime swarm without a registry.
    image: { registry: "10.213.0.1:5000" },
    services: { web: { image: "10.213.0.1:5000/swarmdemo-web", port: 8000 } },
    inventory: { hosts },
    proxy: { routes: [{ path: "/", service: "web" }] },
    swarm: { manager: "t4", node_labels: { t4: { db: "true" }, t5: { zone: "b" } } },
  });
  return parseConfigText(text, "/tmp/swarm-e2e/slipway.yml");
}

/**
 * Runs playbooks/swarm.yml on t4..t6 (the test's names, shifted by SLIPWAY_E2E_TARGET_OFFSET) with the vars slipway.yml gives it (`slipway_swarm_*`); safe to run again (a
 * formed swarm is left as it is).
 */
export async function formSwarm(): Promise<RunResult> {
  const inventoryFile = loadSandbox();
  // Through sandboxTarget: SLIPWAY_E2E_TARGET_OFFSET moves the swarm onto one's own targets (t4 -> t10 with 6); the
  // playbook's inventory keeps the test's names.
  const sandbox: SandboxInventoryFile = {
    ...inventoryFile,
    targets: NODES.map((name) => sandboxTarget(name, inventoryFile)),
  };
  const modules = defaultRegistry();
  const { inventory, ssh } = inventoryFromSandbox(sandbox);
  const config = swarmConfig(sandbox);
  for (const name of NODES) {
    const host = inventory.hosts[name];
    if (host) host.vars = { ...host.vars, ...swarmPlaybookVars(config, name) };
  }
  const playbook = parsePlaybookFile("playbooks/swarm.yml", { modules });
  return runPlaybook(playbook, { inventory, connect: sshConnect(ssh), modules, limit: NODES.join(",") });
}
