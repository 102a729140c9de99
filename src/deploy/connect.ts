/** SSH connections for a deploy: the config's hosts (optionally limited), host keys verified as configured. */

import { type ResolvedHost, resolveHosts, type SlipwayConfig, selectHosts } from "../config/index.js";
import { sshTargetFor } from "../config/ssh-target.js";
import { SlipwayError } from "../errors.js";
import type { ConnectionPool } from "../remote/index.js";
import type { RemoteHost } from "../remote/types.js";

export interface Connected {
  resolved: ResolvedHost;
  host?: RemoteHost;
  error?: string;
}

/**
 * The hosts `--limit` names (host names or group names; `all`), or every host. A pattern that names no host or group
 * is an error before anything connects: a typo must not turn into a run that does nothing and reports success.
 */
export function chosenHosts(config: SlipwayConfig, limit?: string[]): ResolvedHost[] {
  if (!limit || limit.length === 0) return resolveHosts(config);
  const all = resolveHosts(config);
  const known = new Set(["all", ...all.map((h) => h.name), ...all.flatMap((h) => h.groups)]);
  const unknown = limit.filter((pattern) => !known.has(pattern));
  if (unknown.length > 0) {
    throw new SlipwayError(`--limit ${unknown.join(", ")}: no such host or group in the inventory`, {
      step: "limit",
      hint: `hosts and groups: ${[...known].filter((n) => n !== "all").join(", ")}`,
    });
  }
  return selectHosts(config, limit);
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
        return { resolved, error: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
}
