/**
 * The stack file of one color under runtime swarm: the compose writer's services (same validation, same `$$`
 * escaping) turned into the compose file format version 3 that `docker stack deploy` reads. What differs from a
 * compose project: ports are published in host mode on the color's port (the sandbox's and many real clusters'
 * ingress mesh is not relied on: nginx reaches the nodes that run tasks); restart, limits and placement live under
 * `deploy:`; secrets and config files are the engine's objects, mounted as files (`/run/secrets/<NAME>`), declared
 * external because the runtime creates them under versioned names first.
 */
import { stringify } from "yaml";
import { buildComposeObject, composeProjectName } from "./compose.js";
import { RenderError } from "./errors.js";
import type { ComposeModel } from "./model.js";
import { matching, positiveInt } from "./validate.js";

export interface SwarmUpdateModel {
  parallelism: number;
  delay: string;
  order: "start-first" | "stop-first";
  monitor: string;
  failureAction: string;
}

/** What a service needs beyond the compose model: the engine's own settings. */
export interface SwarmServiceModel {
  replicas: number;
  constraints: string[];
  maxReplicasPerNode?: number;
  update: SwarmUpdateModel;
  rollback: SwarmUpdateModel;
  /** `{ source: <versioned secret name>, target: <NAME> }`: mounted at /run/secrets/<NAME>. */
  secrets: Array<{ source: string; target: string }>;
  /** Config files: `{ source: <versioned config name>, target: <absolute path in the container> }`. */
  configs: Array<{ source: string; target: string }>;
  memoryLimit?: string;
  cpus?: number;
  /** Seconds a task gets between SIGTERM and SIGKILL (`stop_grace_period`; slipway.yml's `stop_timeout`). */
  stopGraceSeconds: number;
}

export interface StackModel {
  compose: ComposeModel;
  /** By the compose model's service name. */
  swarm: Readonly<Record<string, SwarmServiceModel>>;
}

const objectName = matching(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/, "a swarm secret or config name");
const duration = matching(/^([0-9]{1,6}(ms|s|m|h))+$/, "a duration like 10s");
const constraint = matching(/^node\.[a-z.A-Z0-9_-]+\s*(==|!=)\s*\S+$/, 'a constraint like "node.labels.db == true"');

/** Keys the stack format ignores or refuses: restart and limits go under `deploy:`, secrets are not env files. */
const NOT_IN_STACKS = ["restart", "mem_limit", "cpus", "depends_on", "env_file", "cap_drop", "cap_add", "security_opt"];

export function buildStackObject(model: StackModel): Record<string, unknown> {
  const base = buildComposeObject(model.compose);
  const services = base.services as Record<string, Record<string, unknown>>;
  const secrets = new Set<string>();
  const configs = new Set<string>();
  for (const [name, service] of Object.entries(services)) {
    const field = `services.${name}`;
    const swarm = model.swarm[name];
    if (!swarm) throw new RenderError(`${field}.swarm`, undefined, "is missing");
    for (const key of NOT_IN_STACKS) delete service[key];
    // Container labels (not `deploy.labels`): each task's container carries its stack and service under compose's
    // names, so what finds a compose service's container on a node (the backup's `docker exec`, logs) finds it too.
    service.labels = { "com.docker.compose.project": stackName(model.compose), "com.docker.compose.service": name };
    if (Array.isArray(service.ports)) service.ports = (service.ports as string[]).map(hostModePort);
    service.deploy = deploySection(swarm, field);
    service.stop_grace_period = `${positiveInt(swarm.stopGraceSeconds, `${field}.stopGraceSeconds`, 0)}s`;
    if (swarm.secrets.length > 0) {
      service.secrets = swarm.secrets.map((s, i) => ({
        source: objectName(s.source, `${field}.secrets[${i}].source`),
        target: objectName(s.target, `${field}.secrets[${i}].target`),
        // Docker's default 0444: the file is root's, and the app may run as another user (`container.user`); the
        // mount is private to the service's own containers.
        mode: 0o444,
      }));
      for (const s of swarm.secrets) secrets.add(s.source);
    }
    if (swarm.configs.length > 0) {
      service.configs = swarm.configs.map((c, i) => ({
        source: objectName(c.source, `${field}.configs[${i}].source`),
        target: c.target,
        mode: 0o444,
      }));
      for (const c of swarm.configs) configs.add(c.source);
    }
  }
  // The accessories' stack creates the network every color joins: an overlay, so tasks on any node reach them.
  const networks = base.networks as Record<string, Record<string, unknown>> | undefined;
  if (networks?.default) networks.default = { ...networks.default, driver: "overlay" };
  const external = (names: Set<string>) => Object.fromEntries([...names].sort().map((n) => [n, { external: true }]));
  return {
    version: "3.8",
    ...base,
    ...(secrets.size > 0 ? { secrets: external(secrets) } : {}),
    ...(configs.size > 0 ? { configs: external(configs) } : {}),
  };
}

/** `127.0.0.1:18001:8000` -> host-mode long syntax: the task's node answers on the published port. */
function hostModePort(short: string): Record<string, unknown> {
  const parts = short.split(":");
  return { target: Number(parts[2]), published: Number(parts[1]), protocol: "tcp", mode: "host" };
}

function deploySection(swarm: SwarmServiceModel, field: string): Record<string, unknown> {
  const placement: Record<string, unknown> = {};
  if (swarm.constraints.length > 0) {
    placement.constraints = swarm.constraints.map((c, i) => constraint(c, `${field}.constraints[${i}]`));
  }
  if (swarm.maxReplicasPerNode !== undefined) {
    placement.max_replicas_per_node = positiveInt(swarm.maxReplicasPerNode, `${field}.maxReplicasPerNode`);
  }
  const limits: Record<string, unknown> = {};
  if (swarm.memoryLimit !== undefined) limits.memory = swarm.memoryLimit;
  if (swarm.cpus !== undefined) limits.cpus = String(swarm.cpus);
  return {
    mode: "replicated",
    replicas: positiveInt(swarm.replicas, `${field}.replicas`),
    ...(Object.keys(placement).length > 0 ? { placement } : {}),
    update_config: updateConfig(swarm.update, `${field}.update`),
    rollback_config: updateConfig(swarm.rollback, `${field}.rollback`),
    restart_policy: { condition: "any", delay: "2s" },
    ...(Object.keys(limits).length > 0 ? { resources: { limits } } : {}),
  };
}

function updateConfig(u: SwarmUpdateModel, field: string): Record<string, unknown> {
  return {
    parallelism: positiveInt(u.parallelism, `${field}.parallelism`, 0),
    delay: duration(u.delay, `${field}.delay`),
    order: u.order,
    monitor: duration(u.monitor, `${field}.monitor`),
    failure_action: u.failureAction,
  };
}

/** The stack of a color: `<app>-<color>` (or `<app>-accessories`), as the compose project is named. */
export function stackName(model: Pick<ComposeModel, "app" | "color">): string {
  return composeProjectName(model.app, model.color);
}

export function renderStack(model: StackModel): string {
  const body = stringify(buildStackObject(model), { version: "1.1", lineWidth: 0 });
  return `# Managed by Slipway: stack ${stackName(model.compose)}.\n${body}`;
}
