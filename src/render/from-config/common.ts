/** Small conversions shared by the config -> model mappers: durations, sizes, hosts of a service, paths. */
import { upstreamIsLocal } from "../../config/layout.js";
import { colorPort } from "../../config/ports.js";
import { replaceServiceRefs, type ServiceRefAttribute } from "../../config/schema/env-refs.js";
import type { ServiceConfig, SlipwayConfig } from "../../config/schema.js";
import { ConfigMappingError } from "./errors.js";

/** Re-exported: the one test of whether nginx reaches a service on loopback lives with the layout. */
export { upstreamIsLocal };

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/**
 * "120s" -> 120, "5m" -> 300, "500ms" -> 1 (rounded up: a timeout is never shortened to 0). `min` 0 lets "0s" mean
 * no wait at all (drain, stop_timeout).
 */
export function durationSeconds(value: string, configPath: string, min = 1): number {
  return Math.max(min, Math.ceil(exactSeconds(value, configPath)));
}

/** "1500ms" -> 1.5: the duration as docker runs it (a compose healthcheck interval), not rounded. */
export function exactSeconds(value: string, configPath: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(value);
  const unit = match?.[2];
  if (!match || unit === undefined)
    throw new ConfigMappingError(configPath, `${JSON.stringify(value)} is not a duration`);
  return Number(match[1]) * (UNIT_SECONDS[unit] ?? 1);
}

/** `stop_timeout` in whole seconds (0: killed at once), for TimeoutStopSec and the runtimes' stop commands. */
export function stopTimeoutSeconds(config: SlipwayConfig): number {
  return durationSeconds(config.stop_timeout, "stop_timeout", 0);
}

/** Sizes as nginx, systemd and docker all take them: an integer and one of k/m/g (no decimals, no T). */
export function integerSize(value: string, configPath: string): { amount: string; unit: string } {
  const match = /^(\d+)([kKmMgG]?)$/.exec(value);
  if (!match) {
    throw new ConfigMappingError(
      configPath,
      `${JSON.stringify(value)} cannot be written for nginx/systemd/docker alike`,
      `write it as a whole number with k, M or G (e.g. "1536M" instead of "1.5G")`,
    );
  }
  return { amount: match[1] ?? "", unit: (match[2] ?? "").toUpperCase() };
}

/** Docker's json-file bound of a service's logs (`services.*.logs`): one file's size ("10m") and the files kept. */
export interface LogRotation {
  maxSize: string;
  maxFiles: number;
}

/** `services.<name>.logs` with its defaults (10m x 5); `field` names it in the error of a size docker cannot take. */
export function logRotation(logs: { max_size?: string; max_files?: number } | undefined, field: string): LogRotation {
  const { amount, unit } = integerSize(logs?.max_size ?? "10m", `${field}.logs.max_size`);
  return { maxSize: `${amount}${unit.toLowerCase()}`, maxFiles: logs?.max_files ?? 5 };
}

/** `/opt/app/env`: the per-color env files (directory created 0700 by bootstrap). */
export function envDir(config: SlipwayConfig): string {
  return `${config.deploy_dir}/env`;
}

/** Load-balanced instances of a service per host and color (proxy.load_balance.<service>.instances). */
export function instancesOf(config: SlipwayConfig, service: string): number {
  return config.proxy.load_balance[service]?.instances ?? 1;
}

/** Every (service, instance) of a color: one per service, `instances` of a load-balanced one. */
export function serviceInstances(config: SlipwayConfig): Array<{ service: string; instance: number }> {
  return Object.keys(config.services).flatMap((service) =>
    Array.from({ length: instancesOf(config, service) }, (_, instance) => ({ service, instance })),
  );
}

/** Config env values are strings, numbers or booleans; files take them as written. */
export function envString(value: string | number | boolean): string {
  return String(value);
}

export function serviceOf(config: SlipwayConfig, name: string, configPath: string): ServiceConfig {
  const service = config.services[name];
  if (!service) throw new ConfigMappingError(configPath, `names service "${name}", which is not in \`services\``);
  return service;
}

/**
 * Where services of `color` reach service `name`: under compose its service name and container port on the color's
 * project network (the first of load-balanced instances keeps the name), under swarm the same on the stack's overlay
 * network (the service's DNS name there; the stack is the compose model, render/swarm-stack.ts); under systemd its
 * port of that color on loopback. Runtime container has no network between containers: validate refuses references
 * there.
 */
export function serviceAddress(config: SlipwayConfig, name: string, color: "blue" | "green") {
  const target = serviceOf(config, name, `services.${name}`);
  return config.runtime === "compose" || config.runtime === "swarm"
    ? { host: name, port: target.port }
    : { host: "127.0.0.1", port: colorPort(target, color) };
}

/**
 * Where a service reaches each service it `depends_on`, in the same color: `SLIPWAY_<NAME>_URL` (name upper-cased,
 * dashes as underscores), the serviceAddress as `http://host:port`. Runtime container: nothing is injected.
 */
export function dependencyUrls(config: SlipwayConfig, name: string, color: "blue" | "green"): Record<string, string> {
  const service = serviceOf(config, name, `services.${name}`);
  const urls: Record<string, string> = {};
  if (config.runtime === "container") return urls;
  for (const dep of service.depends_on) {
    const key = `SLIPWAY_${dep.toUpperCase().replaceAll("-", "_")}_URL`;
    const { host, port } = serviceAddress(config, dep, color);
    urls[key] = `http://${host}:${port}`;
  }
  return urls;
}

/**
 * A service's `env`, as its `color` runs it: values as written (envString), each `${service:NAME.url|host|port}`
 * replaced by that service's address in the same color (checked by validate: config/schema/env-refs.ts).
 */
export function colorEnv(config: SlipwayConfig, name: string, color: "blue" | "green"): Record<string, string> {
  const service = serviceOf(config, name, `services.${name}`);
  const resolve = (dep: string, attribute: ServiceRefAttribute) => {
    const { host, port } = serviceAddress(config, dep, color);
    if (attribute === "host") return host;
    if (attribute === "port") return String(port);
    return `http://${host}:${port}`;
  };
  return Object.fromEntries(
    Object.entries(service.env).map(([key, value]) => [key, replaceServiceRefs(envString(value), resolve)]),
  );
}
