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
