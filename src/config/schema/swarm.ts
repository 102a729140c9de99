/**
 * Runtime swarm's sections: `swarm` (the cluster: which inventory host is the manager the stack is deployed through,
 * node labels per host) and `services.*.swarm` (replicas, placement, the engine's update and rollback settings),
 * plus the checks that keep a stateful service on one node.
 */
import { z } from "zod";
import { duration, inventoryName, nonNegativeInt, patternString, positiveInt } from "./primitives.js";

/** Docker's placement constraint: `node.hostname == t4`, `node.labels.db == true`, `node.role != manager`. */
const CONSTRAINT_PATTERN =
  /^node\.(id|hostname|role|platform\.os|platform\.arch|labels\.[A-Za-z0-9_.-]+)\s*(==|!=)\s*\S+$/;
/** A constraint that pins a service to the node(s) it names: equality on the hostname or a node label. */
export const PINNING_CONSTRAINT = /^node\.(hostname|id|labels\.[A-Za-z0-9_.-]+)\s*==\s*\S+$/;

const LABEL_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

const updateFields = {
  parallelism: nonNegativeInt().default(1).describe("Tasks replaced at once (`0`: all at once)."),
  delay: duration().default("0s").describe("Time between two batches of tasks."),
  order: z
    .enum(["start-first", "stop-first"], { error: 'expected "start-first" or "stop-first"' })
    .optional()
    .describe(
      "`start-first`: the new task starts (and turns healthy) before the old one stops. Default: `start-first`; `stop-first` for an accessory with a volume, where validate refuses `start-first`: two database servers must never run on one data directory.",
    ),
  monitor: duration().default("10s").describe("Time after each task's update during which a failure counts."),
};

const updateSchema = z
  .strictObject({
    ...updateFields,
    failure_action: z
      .enum(["rollback", "pause", "continue"], { error: 'expected "rollback", "pause" or "continue"' })
      .default("rollback")
      .describe("What the engine does when a task fails during its own rolling update (`update_config`)."),
  })
  .describe(
    "The engine's rolling update within a color (`deploy.update_config`): used when a node's task is rescheduled or a stateful service changes; a release itself goes to the idle color (docs/swarm.md).",
  );

const rollbackSchema = z
  .strictObject({
    ...updateFields,
    failure_action: z
      .enum(["pause", "continue"], { error: 'expected "pause" or "continue"' })
      .default("pause")
      .describe("What the engine does when its own rollback fails (`rollback_config`)."),
  })
  .describe(
    "The engine's one-step rollback settings (`deploy.rollback_config`); Slipway's rollback goes to any kept release.",
  );

export const serviceSwarmSchema = z
  .strictObject({
    replicas: positiveInt().default(1).describe("Tasks of the service in each color (`deploy.replicas`)."),
    placement: z
      .array(
        patternString(
          CONSTRAINT_PATTERN,
          'expected a constraint like "node.labels.db == true" or "node.hostname == t4" (docker service create --constraint)',
        ),
      )
      .default([])
      .describe(
        "Placement constraints (`deploy.placement.constraints`). A service with a named volume (a database) must be pinned to one node with `node.hostname == X` or `node.labels.K == V`: a volume lives on one node.",
      ),
    max_replicas_per_node: positiveInt()
      .optional()
      .describe("At most this many tasks of the service on one node (`deploy.placement.max_replicas_per_node`)."),
    update: updateSchema.prefault({}),
    rollback: rollbackSchema.prefault({}),
  })
  .describe("Runtime swarm settings of this service.");

export const swarmSchema = z
  .strictObject({
    manager: inventoryName("host")
      .optional()
      .describe(
        "The inventory host that initialises the swarm and through which stacks are deployed. Default: the first inventory host. The other hosts join as workers.",
      ),
    node_labels: z
      .record(
        inventoryName("host"),
        z.record(
          patternString(LABEL_NAME, 'expected a label name like "db"'),
          patternString(/^[A-Za-z0-9_.-]{1,63}$/, 'expected a label value like "true"'),
        ),
      )
      .default({})
      .describe(
        'Node labels per inventory host, set by playbooks/bootstrap.yml (`docker node update --label-add`), e.g. `{ t4: { db: "true" } }` for a placement `node.labels.db == true`.',
      ),
  })
  .describe("The Docker Swarm cluster (runtime swarm): set up by playbooks/bootstrap.yml. See docs/swarm.md.");

type Path = (string | number)[];
type Issue = (path: Path, message: string, input?: unknown) => void;

/** The parts of the parsed config the swarm checks read (structural, as in cross-checks.ts). */
export interface SwarmCheckedConfig {
  runtime: string;
  services: Record<
    string,
    {
      volumes: string[];
      accessory?: boolean;
      files?: unknown[];
      swarm?: {
        replicas: number;
        placement: string[];
        update?: { order?: string };
        rollback?: { order?: string };
      };
    }
  >;
  image: { registry?: string; delivery?: string };
  inventory: { hosts: Record<string, unknown> };
  swarm?: { manager?: string; node_labels: Record<string, Record<string, string>> };
  database?: { compose_service?: string };
  proxy: { load_balance: Record<string, unknown> };
}

/**
 * Swarm sections only under runtime swarm (elsewhere they would be silently ignored); the manager and labelled nodes
 * are inventory hosts; a stateful service runs one task pinned to one node, because its named volume exists on one
 * node only: a task rescheduled elsewhere would start on an empty volume (a second database).
 */
export function checkSwarm(config: SwarmCheckedConfig, issue: Issue): void {
  const swarm = config.swarm;
  const isSwarm = config.runtime === "swarm";
  if (!isSwarm) {
    if (swarm?.manager !== undefined || Object.keys(swarm?.node_labels ?? {}).length > 0) {
      issue(["swarm"], `runtime ${config.runtime} does not use a swarm: set \`runtime: swarm\` or remove \`swarm\``);
    }
    for (const [name, service] of Object.entries(config.services)) {
      if (service.swarm) {
        issue(["services", name, "swarm"], `runtime ${config.runtime} ignores it: set \`runtime: swarm\` or remove it`);
      }
    }
    return;
  }
  const hosts = Object.keys(config.inventory.hosts);
  if (swarm?.manager !== undefined && !hosts.includes(swarm.manager)) {
    issue(["swarm", "manager"], `expected an inventory host (${hosts.join(", ")})`, swarm.manager);
  }
  for (const host of Object.keys(swarm?.node_labels ?? {})) {
    if (!hosts.includes(host))
      issue(["swarm", "node_labels", host], `expected an inventory host (${hosts.join(", ")})`);
  }
  const problems = [
    swarmDeliveryProblem(config.image),
    ...Object.entries(config.services).map(([name, service]) => swarmFilesProblem(name, service)),
  ];
  for (const p of problems) if (p) issue(p.path, `${p.message}: ${p.hint}`);
  for (const [name, service] of Object.entries(config.services)) {
    checkPinned(config, name, service, issue);
    checkAccessoryOrder(name, service, issue);
  }
  for (const name of Object.keys(config.proxy.load_balance)) {
    issue(
      ["proxy", "load_balance", name],
      `runtime swarm runs copies of a service as tasks of one service: set \`services.${name}.swarm.replicas\` instead`,
    );
  }
}

/** A swarm refusal shared by validate (at `path`) and the deploy (with `hint` as its next step). */
export interface SwarmProblem {
  path: Path;
  message: string;
  hint: string;
}

/**
 * Every node pulls the release's images itself (a task may be scheduled on any node), so runtime swarm needs a
 * registry: the SSH stream reaches only the hosts the runner connects to. Undefined when the images are pulled. The
 * deploy's `prepare` refuses the same (swarm-runtime.ts), so validate refuses what the deploy would.
 */
export function swarmDeliveryProblem(image: { registry?: string; delivery?: string }): SwarmProblem | undefined {
  const hint =
    "set image.registry (a registry every node reaches, e.g. ghcr.io or 10.213.0.1:5000) and leave image.delivery unset or `registry`";
  if (image.delivery === "ssh") {
    return {
      path: ["image", "delivery"],
      message: "runtime swarm pulls images from a registry on every node, not over SSH",
      hint,
    };
  }
  if (image.registry === undefined && image.delivery === undefined) {
    return {
      path: ["runtime"],
      message:
        "runtime swarm pulls images from a registry on every node, and image.registry is not set (images would go over SSH)",
      hint,
    };
  }
  return undefined;
}

/** `files` are not turned into swarm configs yet: the service's refusal, or undefined when it has none. */
export function swarmFilesProblem(name: string, service: { files?: unknown[] }): SwarmProblem | undefined {
  if ((service.files ?? []).length === 0) return undefined;
  return {
    path: ["services", name, "files"],
    message: `runtime swarm does not deploy config files (\`files\`) yet`,
    hint: "bake the file into the image, or pass its values as `env` or `secrets` (mounted at /run/secrets/<NAME>)",
  };
}

function checkPinned(
  config: SwarmCheckedConfig,
  name: string,
  service: SwarmCheckedConfig["services"][string],
  issue: Issue,
): void {
  const volume = service.volumes.map((v) => v.split(":")[0] ?? "").find((v) => !v.startsWith("/"));
  const why =
    config.database?.compose_service === name
      ? "it runs the database server (`database.compose_service`)"
      : volume !== undefined
        ? `its volume ${volume} lives on one node`
        : undefined;
  if (why === undefined) return;
  const replicas = service.swarm?.replicas ?? 1;
  if (replicas !== 1) {
    issue(
      ["services", name, "swarm", "replicas"],
      `a stateful service runs one task under runtime swarm (${why}): two tasks would be two servers on two different volumes; set replicas: 1`,
      replicas,
    );
  }
  if (!(service.swarm?.placement ?? []).some((c) => PINNING_CONSTRAINT.test(c))) {
    issue(
      ["services", name, "swarm", "placement"],
      `expected a constraint pinning ${name} to one node, like "node.labels.db == true" (with swarm.node_labels) or "node.hostname == <host>": ${why}, and a task rescheduled to another node would start on an empty volume`,
    );
  }
  if (!service.accessory) {
    issue(
      ["services", name, "accessory"],
      `set \`accessory: true\`: ${why}, so it runs once outside the colors and a deploy never replaces it`,
    );
  }
}

/**
 * An accessory with a volume is one data directory: a start-first update (or rollback) would run a second database
 * server on it beside the first, which the first one's lock file cannot stop from another container (postgres'
 * postmaster.pid names a PID of another PID namespace). The stack renders it stop-first (render/from-config/swarm.ts).
 */
function checkAccessoryOrder(name: string, service: SwarmCheckedConfig["services"][string], issue: Issue): void {
  if (!keepsData(service)) return;
  for (const key of ["update", "rollback"] as const) {
    if (service.swarm?.[key]?.order !== "start-first") continue;
    issue(
      ["services", name, "swarm", key, "order"],
      "an accessory with a volume runs stop-first: start-first would run a second database server on the same data directory; remove it (or set stop-first)",
      "start-first",
    );
  }
}

/**
 * An accessory with a volume (a database server): one data directory, so its engine updates and rollbacks run
 * stop-first (checkAccessoryOrder here; render/from-config/swarm.ts swarmOrder).
 */
export function keepsData(service: { accessory?: boolean; volumes: readonly string[] }): boolean {
  return service.accessory === true && service.volumes.length > 0;
}
