/** SSH connections for a deploy: the config's hosts (optionally limited), host keys verified as configured. */

import { type ResolvedHost, resolveHosts, type SlipwayConfig } from "../config/index.js";
import { sshTargetFor } from "../config/ssh-target.js";
import type { Inventory } from "../engine/inventory.js";
import { SlipwayError } from "../errors.js";
import { limitHosts } from "../host-pattern.js";
import type { ConnectionPool } from "../remote/index.js";
import type { RemoteHost } from "../remote/types.js";

export interface Connected {
  resolved: ResolvedHost;
  host?: RemoteHost;
  error?: string;
  /** The connection error's next step (which key was offered and where it must be), when it has one. */
  next?: string;
}

/** The log line for a host that could not be reached: the recap keeps the message, this adds the next step. */
export function unreachableLine(c: Connected): string {
  return `[${c.resolved.name}] UNREACHABLE: ${c.error ?? "unreachable"}${c.next ? `\n  next: ${c.next}` : ""}`;
}

/** slipway.yml's inventory as the engine sees it (hosts in config order with address, port, user and vars; groups). */
export function inventoryOf(config: SlipwayConfig): Inventory {
  return {
    hosts: Object.fromEntries(
      resolveHosts(config).map((h) => [h.name, { address: h.address, port: h.port, user: h.user, vars: h.vars }]),
    ),
    groups: Object.fromEntries(Object.entries(config.inventory.groups).map(([g, v]) => [g, v.hosts])),
  };
}

/**
 * The hosts `--limit` selects, in inventory order, or every host without one. The pattern language is Ansible's
 * (src/host-pattern.ts: globs, `~regex`, `!`, `&`, groups); a term naming no host or group, or a pattern
 * selecting nothing, throws ConfigError before anything connects.
 */
export function chosenHosts(config: SlipwayConfig, limit?: readonly string[]): ResolvedHost[] {
  const all = resolveHosts(config);
  if (!limit || limit.length === 0) return all;
  const chosen = new Set(limitHosts(inventoryOf(config), limit));
  return all.filter((h) => chosen.has(h.name));
}

export async function connectAll(
  config: SlipwayConfig,
  hosts: ResolvedHost[],
  pool: ConnectionPool,
): Promise<Connected[]> {
  const all = resolveHosts(config);
  return Promise.all(
    hosts.map(async (resolved) => {
      try {
        const host = await pool.get(await sshTargetFor(resolved, all, config.source.dir));
        return { resolved, host };
      } catch (e) {
        const next = e instanceof SlipwayError ? e.hint : undefined;
        return { resolved, error: e instanceof Error ? e.message : String(e), ...(next ? { next } : {}) };
      }
    }),
  );
}
