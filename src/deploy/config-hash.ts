/**
 * What a rollback takes from today's slipway.yml rather than from the release (D75): the release record keeps the
 * commit, images and `--version-env`; the services (their env, files, command, ports) and the proxy (routes) come from
 * the config the rollback runs with. The record keeps a hash of those (`config_hash`) so a rollback's plan can say
 * when they differ from what the release last ran with.
 */
import { createHash } from "node:crypto";
import type { SlipwayConfig } from "../config/index.js";
import type { ReleaseRecord } from "./types.js";

/** JSON with object keys sorted at every level (undefined values dropped), so key order in the file does not count. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** 16 hex digits of sha256 over the config's `services` and `proxy`, the parts a rollback takes from today's file. */
export function runConfigHash(config: Pick<SlipwayConfig, "services" | "proxy">): string {
  return createHash("sha256")
    .update(stableJson({ services: config.services, proxy: config.proxy }))
    .digest("hex")
    .slice(0, 16);
}

/**
 * The rollback plan's line on the config (D75): always that today's slipway.yml is used, and whether its services
 * and proxy differ from what `target` last ran with (unknown for records written before `config_hash`).
 */
export function todaysConfigLine(target: ReleaseRecord | undefined, hash: string): string {
  const base = "env, files, services and routes are today's slipway.yml's, not the release's";
  if (!target?.config_hash) return base;
  return target.config_hash === hash
    ? `${base} (the same as ${target.id} last ran with)`
    : `${base}: they differ from what ${target.id} last ran with (its images run with today's env and files)`;
}
