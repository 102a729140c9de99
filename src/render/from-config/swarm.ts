/**
 * slipway.yml -> the stack file of one color (runtime swarm): the compose model of the color (composeFromConfig:
 * images by digest, environment, volumes, healthchecks) plus each service's `swarm` section (replicas, placement,
 * the engine's update and rollback settings), its resources as `deploy.resources.limits`, its secrets as swarm
 * secrets mounted at `/run/secrets/<NAME>` and its config files as swarm configs at their `path`. The versioned
 * names of those objects come from the runtime, which creates them before the stack is deployed.
 */
import { createHash } from "node:crypto";
import { keepsData } from "../../config/schema/swarm.js";
import type { ServiceConfig, SlipwayConfig } from "../../config/schema.js";
import { swarmSecretFileEnv } from "../../config/swarm.js";
import type { Color, ComposeModel } from "../model.js";
import type { StackModel, SwarmServiceModel, SwarmUpdateModel } from "../swarm-stack.js";
import { integerSize, serviceOf, stopTimeoutSeconds } from "./common.js";
import { accessoriesComposeFromConfig, composeFromConfig } from "./compose.js";

export interface StackFromConfigOptions {
  color: Color;
  /** Image reference per service, pinned by digest. */
  images: Readonly<Record<string, string>>;
  /** The versioned swarm secret name of each service's secret: `names.secrets[service][SECRET]`. */
  secretNames?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The versioned swarm config name of each service's config file, by its index in `files`. */
  configNames?: Readonly<Record<string, readonly string[]>>;
}

/**
 * `<app>_<service>_<NAME>_<12 hex of sha256(value)>`: a swarm secret cannot change, so each value gets its own name
 * and a deploy with a new value rotates the service to it (the old object is removed once no service uses it).
 */
export function swarmObjectName(app: string, service: string, name: string, value: string): string {
  return `${swarmObjectPrefix(app, service, name)}_${createHash("sha256").update(value).digest("hex").slice(0, 12)}`;
}

/** `<app>_<service>_<NAME>`: the prefix of a secret's versioned names (the runtime appends a content hash). */
export function swarmObjectPrefix(app: string, service: string, name: string): string {
  return `${app}_${service}_${name}`;
}

/** `<deploy_dir>/swarm/<color or accessories>.yml`: the stack file last deployed (the runtime writes it there). */
export function stackFilePath(config: SlipwayConfig, name: string): string {
  return `${config.deploy_dir.replace(/\/$/, "")}/swarm/${name}.yml`;
}

/**
 * The versioned name (swarmObjectName) of each service's secrets whose value `secretValue` gives, as
 * stackFromConfig's `secretNames`; a secret without a value is left out, and its stack entry keeps the bare prefix
 * (swarmObjectPrefix).
 */
export function swarmSecretNames(
  config: SlipwayConfig,
  secretValue: (secret: string) => string | undefined,
): Record<string, Record<string, string>> {
  const names: Record<string, Record<string, string>> = {};
  for (const [service, settings] of Object.entries(config.services)) {
    for (const secret of settings.secrets) {
      const value = secretValue(secret);
      if (value === undefined) continue;
      names[service] = { ...names[service], [secret]: swarmObjectName(config.app, service, secret, value) };
    }
  }
  return names;
}

export function stackFromConfig(config: SlipwayConfig, options: StackFromConfigOptions): StackModel {
  return stackOf(config, composeFromConfig(config, { color: options.color, images: options.images }), options);
}

/** The swarm stack of a compose model: each service's engine settings beside it (the one mapping of both stacks). */
function stackOf(config: SlipwayConfig, compose: ComposeModel, options: StackFromConfigOptions): StackModel {
  const swarm: Record<string, SwarmServiceModel> = {};
  for (const model of compose.services) {
    // Secrets and config files are the engine's objects here, not the compose runtime's env file and bind mounts.
    delete model.envFile;
    delete model.files;
    const service = serviceOf(config, model.name, `services.${model.name}`);
    model.environment = { ...model.environment, ...swarmSecretFileEnv(service) };
    swarm[model.name] = swarmService(config, model.name, service, options);
  }
  return { compose, swarm };
}

/**
 * The accessories' stack (`<app>-accessories`): the services marked `accessory: true` (a database server), each
 * pinned by its placement (validate requires it for a stateful one), no published port (the colors reach them by
 * service name on the `<app>-accessories` overlay network). Null when the config has none. `color` is ignored.
 */
export function accessoriesStackFromConfig(
  config: SlipwayConfig,
  options: Omit<StackFromConfigOptions, "color">,
): StackModel | null {
  const compose = accessoriesComposeFromConfig(config, options.images);
  return compose ? stackOf(config, compose, { ...options, color: "blue" }) : null;
}

function swarmService(
  config: SlipwayConfig,
  name: string,
  service: ServiceConfig,
  options: StackFromConfigOptions,
): SwarmServiceModel {
  const settings = service.swarm;
  const secretNames = options.secretNames?.[name] ?? {};
  const configNames = options.configNames?.[name] ?? [];
  const model: SwarmServiceModel = {
    replicas: settings?.replicas ?? 1,
    constraints: settings?.placement ?? [],
    update: update(settings?.update, "rollback", swarmOrder(service, "update").order),
    rollback: update(settings?.rollback, "pause", swarmOrder(service, "rollback").order),
    secrets: service.secrets.map((secret) => ({
      source: secretNames[secret] ?? swarmObjectPrefix(config.app, name, secret),
      target: secret,
    })),
    configs: service.files.map((file, i) => ({
      source: configNames[i] ?? swarmObjectPrefix(config.app, name, `file${i}`),
      target: file.path,
    })),
    stopGraceSeconds: stopTimeoutSeconds(config),
  };
  if (settings?.max_replicas_per_node !== undefined) model.maxReplicasPerNode = settings.max_replicas_per_node;
  if (service.resources?.memory !== undefined) {
    const { amount, unit } = integerSize(service.resources.memory, `services.${name}.resources.memory`);
    model.memoryLimit = `${amount}${unit.toUpperCase()}`;
  }
  if (service.resources?.cpus !== undefined) model.cpus = service.resources.cpus;
  return model;
}

type UpdateSettings = NonNullable<ServiceConfig["swarm"]>["update" | "rollback"];

/** The order of a service's engine update or rollback, and where it comes from (for `slipway config`). */
export function swarmOrder(
  service: ServiceConfig,
  key: "update" | "rollback",
): { order: "start-first" | "stop-first"; from: string } {
  // Never two database servers on one data directory (validate refuses start-first there).
  if (keepsData(service)) {
    return { order: "stop-first", from: "an accessory with a volume: never two servers on one data directory" };
  }
  const asked = service.swarm?.[key]?.order;
  return asked ? { order: asked, from: "the config" } : { order: "start-first", from: "the engine's default" };
}

function update(
  u: UpdateSettings | undefined,
  failureAction: string,
  order: "start-first" | "stop-first",
): SwarmUpdateModel {
  return {
    parallelism: u?.parallelism ?? 1,
    delay: u?.delay ?? "0s",
    order,
    monitor: u?.monitor ?? "10s",
    failureAction: u?.failure_action ?? failureAction,
  };
}
