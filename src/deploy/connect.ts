/** SSH connections for a deploy: the config's hosts (optionally limited), host keys verified as configured. */

import { type ResolvedHost, resolveHosts, type SlipwayConfig, selectHosts } from "../config/index.js";
import { sshTargetFor } from "../config/ssh-target.js";
import type { ConnectionPool } from "../remote/index.js";
import type { RemoteHost } from "../remote/types.js";

export interface Connected {
  resolved: ResolvedHost;
  host?: RemoteHost;
  error?: string;
}

export function chosenHosts(config: SlipwayConfig, limit?: string[]): ResolvedHost[] {
  return limit && limit.length > 0 ? selectHosts(config, limit) : resolveHosts(config);
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
