/**
 * The runtime comparison (`run.ts --runtimes container,swarm`): the same app, image, load and phases as the
 * Slipway/Ansible comparison, deployed by Slipway twice on the same three targets in the same shape, nginx on the
 * first target (the swarm's manager) in front of the app on the other two:
 * - container: the load-balancer layout (`proxy.hosts` the first, `services.frontend.hosts` the others);
 * - swarm: two replicas placed on the workers, one per node, published in host mode (docs/swarm.md).
 * Each runtime's app has its own name, site and ports, so both live side by side on the same nodes.
 */
import { stackRemoveArgv } from "../../src/commands/swarm.js";
import type { RemoteHost } from "../../src/remote/types.js";
import { cleanHost } from "../../test/e2e/deploy/support.js";
import type { SandboxInventory, SandboxTarget } from "../../test/e2e/support/sandbox.js";
import type { ToolApp } from "./apps.js";
import type { ToolDriver } from "./phases.js";
import { slipwayConfig, slipwayDeploy, slipwayRollback, writeSlipwayConfig } from "./slipway.js";

export const RUNTIMES = ["container", "swarm"] as const;
export type Runtime = (typeof RUNTIMES)[number];

export const RUNTIME_APPS: Record<Runtime, ToolApp> = {
  container: { tool: "container", app: "benchct", domain: "ct.bench.test", ports: { blue: 7301, green: 7302 } },
  swarm: { tool: "swarm", app: "benchsm", domain: "sm.bench.test", ports: { blue: 7401, green: 7402 } },
};

/** `--runtimes container,swarm` -> the two runtimes, the first the base of the ratios; throws on anything else. */
export function parseRuntimes(text: string): [Runtime, Runtime] {
  const names = text.split(",").filter(Boolean);
  const known = (n: string): n is Runtime => (RUNTIMES as readonly string[]).includes(n);
  if (names.length !== 2 || !names.every(known) || names[0] === names[1]) {
    throw new Error(`--runtimes: expected two of ${RUNTIMES.join(", ")} (e.g. container,swarm), got "${text}"`);
  }
  return names as [Runtime, Runtime];
}

/** Writes the runtime's slipway.yml (nginx on targets[0], the app on the others); returns its path. */
export function writeRuntimeConfig(runtime: Runtime, targets: readonly SandboxTarget[], sandbox: SandboxInventory) {
  const [edge, ...nodes] = targets;
  if (!edge || nodes.length === 0) throw new Error("--runtimes needs three targets: nginx (the manager) and two nodes");
  const config = slipwayConfig(targets, sandbox, RUNTIME_APPS[runtime]);
  config.runtime = runtime;
  config.proxy.hosts = [edge.name];
  if (runtime === "container") config.services.frontend.hosts = nodes.map((n) => n.name);
  else {
    config.services.frontend.swarm = {
      replicas: nodes.length,
      placement: ["node.role == worker"],
      max_replicas_per_node: 1,
    };
    config.swarm = { manager: edge.name };
  }
  return writeSlipwayConfig(targets, sandbox, config);
}

/** The runtime's app driven by the Slipway CLI, as the Slipway side of the main comparison is. */
export function runtimeDriver(runtime: Runtime, configPath: string, image: string): ToolDriver {
  return {
    app: RUNTIME_APPS[runtime],
    live: null,
    previous: null,
    deploy: (release) => slipwayDeploy(configPath, image, release),
    rollback: () => slipwayRollback(configPath),
  };
}

/**
 * Removes both runtimes' apps: the swarm app's stacks through the manager (`hosts[0]`; their tasks on every node go
 * with them), then what either left on each host (containers, files, nginx site).
 */
export async function cleanRuntimeApps(hosts: readonly RemoteHost[]): Promise<void> {
  const manager = hosts[0];
  const app = RUNTIME_APPS.swarm.app;
  for (const stack of [`${app}-blue`, `${app}-green`, `${app}-accessories`]) {
    await manager?.exec(stackRemoveArgv(stack), { become: true, check: false });
  }
  await Promise.all(
    hosts.map(async (h) => {
      await cleanHost(h, RUNTIME_APPS.container.app);
      await cleanHost(h, RUNTIME_APPS.swarm.app);
    }),
  );
}
