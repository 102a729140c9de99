/**
 * Values a config leaves unset that the renderer derives from the rest of it, filled in where a reader of the
 * effective config (`slipway config`) looks for them, each with where it comes from. Today: the interval docker runs
 * each compose or swarm service's container check at (`health.container_interval`), which depends on what waits on
 * that check, and a swarm service's update and rollback order (stop-first for an accessory with a volume): neither is
 * a fixed default the schema could fill in. Read from the renderer's own functions, so what the
 * config command shows is what the compose and stack files get.
 */
import type { DerivedValue } from "../../config/merged.js";
import type { ServiceConfig, SlipwayConfig } from "../../config/schema.js";
import { containerCheckSchedule, hasContainerCheck } from "./compose.js";
import { swarmOrder } from "./swarm.js";

/** The derived values of `config`, in service order; empty for runtimes without container checks. */
export function derivedValues(config: SlipwayConfig): DerivedValue[] {
  if (config.runtime !== "compose" && config.runtime !== "swarm") return [];
  return Object.entries(config.services).flatMap(([name, service]) => {
    const values = config.runtime === "swarm" ? swarmOrders(name, service) : [];
    const health = service.health;
    // A written container_interval is the config's own value, shown as any other.
    if (!hasContainerCheck(service) || !health || health.container_interval !== undefined) return values;
    const { interval, from } = containerCheckSchedule(config, name, health);
    return [{ key: ["services", name, "health", "container_interval"], value: interval, from }, ...values];
  });
}

/** Runtime swarm: the engine's update and rollback order where the config leaves it unset (swarmOrder). */
function swarmOrders(name: string, service: ServiceConfig): DerivedValue[] {
  return (["update", "rollback"] as const).flatMap((key) => {
    const settings = service.swarm?.[key];
    if (!settings || settings.order !== undefined) return [];
    const { order, from } = swarmOrder(service, key);
    return [{ key: ["services", name, "swarm", key, "order"], value: order, from }];
  });
}

/** A copy of `config` with its derived values filled in, and the list of them (`config` is not changed). */
export function withDerivedValues(config: SlipwayConfig): { config: SlipwayConfig; derived: DerivedValue[] } {
  const derived = derivedValues(config);
  const filled = structuredClone(config);
  for (const { key, value } of derived) setAt(filled as unknown as Record<string, unknown>, key, value);
  return { config: filled, derived };
}

/** Sets `key` (a path of map keys that exists up to its last one) in `target` to `value`. */
function setAt(target: Record<string, unknown>, key: readonly string[], value: unknown): void {
  const parent = key.slice(0, -1).reduce((node, part) => node[part] as Record<string, unknown>, target);
  parent[key[key.length - 1] as string] = value;
}
