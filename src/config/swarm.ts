/**
 * The swarm of runtime swarm, from the config: which inventory host is the manager (`swarm.manager`, else the first
 * inventory host), which hosts join as workers (every other one), and the node labels each gets
 * (`swarm.node_labels`). The bootstrap playbook sets the cluster up from this; the deploy talks to the manager only.
 */
import type { SlipwayConfig } from "./schema.js";

export interface SwarmNode {
  /** Inventory name (the node's hostname in the sandbox and usually on real servers). */
  name: string;
  address: string;
  role: "manager" | "worker";
  labels: Record<string, string>;
}

/** The manager's inventory name. */
export function swarmManager(config: Pick<SlipwayConfig, "swarm" | "inventory">): string {
  const first = Object.keys(config.inventory.hosts)[0];
  const manager = config.swarm.manager ?? first;
  if (manager === undefined) throw new Error("the inventory has no host");
  return manager;
}

/** Every inventory host as a swarm node, the manager first. */
export function swarmNodes(config: Pick<SlipwayConfig, "swarm" | "inventory">): SwarmNode[] {
  const manager = swarmManager(config);
  const labels = config.swarm.node_labels;
  const nodes = Object.entries(config.inventory.hosts).map(([name, host]) => ({
    name,
    address: host.address,
    role: name === manager ? ("manager" as const) : ("worker" as const),
    labels: { ...(labels[name] ?? {}) },
  }));
  return [...nodes.filter((n) => n.role === "manager"), ...nodes.filter((n) => n.role === "worker")];
}

/**
 * playbooks/swarm.yml's inputs for one host: the manager's name and address, this host's role and address, and every
 * node with its labels (`slipway_swarm_*`).
 */
export function swarmPlaybookVars(config: Pick<SlipwayConfig, "swarm" | "inventory">, host: string) {
  const nodes = swarmNodes(config);
  const self = nodes.find((n) => n.name === host);
  return {
    slipway_swarm_manager: nodes[0]?.name,
    slipway_swarm_manager_address: nodes[0]?.address,
    slipway_swarm_role: self?.role,
    slipway_swarm_address: self?.address,
    slipway_swarm_nodes: nodes,
  };
}

/** Where a swarm secret is mounted in each task: the engine's fixed place. */
export function swarmSecretPath(name: string): string {
  return `/run/secrets/${name}`;
}

/**
 * The variables runtime swarm adds to a service's environment for its secrets (D49): `<NAME>_FILE` = the mounted
 * file, the convention of the official images (postgres' POSTGRES_PASSWORD_FILE) and of many frameworks. The value
 * itself never enters the stack file. A `<NAME>_FILE` the service's `env` sets is left to it.
 */
export function swarmSecretFileEnv(service: {
  secrets: readonly string[];
  env?: Readonly<Record<string, unknown>>;
}): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const secret of service.secrets) {
    if (service.env?.[`${secret}_FILE`] === undefined) vars[`${secret}_FILE`] = swarmSecretPath(secret);
  }
  return vars;
}

/**
 * One warning per service with secrets under runtime swarm (D49): the other runtimes put each secret in the
 * environment as NAME; swarm mounts it as a file (and sets NAME_FILE), so an app that reads only NAME from its
 * environment runs without it. Empty under another runtime.
 */
export function swarmSecretWarnings(config: Pick<SlipwayConfig, "runtime" | "services">): string[] {
  if (config.runtime !== "swarm") return [];
  return Object.entries(config.services)
    .filter(([, service]) => service.secrets.length > 0)
    .map(([name, service]) => {
      const each = service.secrets.map((s) => `${s} as ${swarmSecretPath(s)} (${s}_FILE)`).join(", ");
      return `services.${name}.secrets: runtime swarm gives the app each secret as a file, not as an environment variable as the other runtimes do: ${each}; an app that reads only the variable runs without it, so read the file (or the _FILE variable) in the app`;
    });
}
