/** `slipway lock status|release`: each host's deploy lock, read and (explicitly) released over the deploy's connections. */
import type { SlipwayConfig } from "../config/index.js";
import { describeHolder, holderAlive, type LockHolder, readLockHolder, releaseLock } from "../lock/lock.js";
import { ConnectionPool } from "../remote/index.js";
import type { RemoteHost } from "../remote/types.js";
import { chosenHosts, connectAll } from "./connect.js";

export { holderAlive } from "../lock/lock.js";

import { deployPaths } from "./paths.js";

export interface HostLock {
  host: string;
  /** `slipway lock status`: "free", "held" (see holder) or "unreachable" (see error). */
  state?: "free" | "held" | "unreachable";
  holder?: LockHolder;
  error?: string;
}

/** Runs `fn` on every chosen host's connection; a host that fails is reported with its error. */
async function onHosts(
  config: SlipwayConfig,
  limit: string[] | undefined,
  fn: (host: RemoteHost, path: string) => Promise<HostLock>,
): Promise<HostLock[]> {
  const pool = new ConnectionPool();
  const path = deployPaths(config.deploy_dir).lock;
  try {
    const connected = await connectAll(config, chosenHosts(config, limit), pool);
    return await Promise.all(
      connected.map(async ({ resolved, host, error }) => {
        if (!host) return { host: resolved.name, error: error ?? "unreachable" };
        try {
          return await fn(host, path);
        } catch (e) {
          return { host: resolved.name, error: e instanceof Error ? e.message : String(e) };
        }
      }),
    );
  } finally {
    await pool.closeAll();
  }
}

export async function lockStatus(config: SlipwayConfig, limit?: string[]): Promise<HostLock[]> {
  const locks = await onHosts(config, limit, async (host, path) => {
    const holder = await readLockHolder(host, path);
    return { host: host.name, ...(holder ? { holder } : {}) };
  });
  return locks.map((l) => ({ ...l, state: l.error ? "unreachable" : l.holder ? "held" : "free" }));
}

/** Removes each host's lock whoever holds it (the explicit `slipway lock release`); returns the holders removed. */
export function releaseLocks(config: SlipwayConfig, limit?: string[]): Promise<HostLock[]> {
  return onHosts(config, limit, async (host, path) => {
    const holder = await readLockHolder(host, path);
    if (holder) await releaseLock(host, path);
    return { host: host.name, ...(holder ? { holder } : {}) };
  });
}

/** `t1: free` / `t1: held by alice (commit ..., run 42-1, pid 7 on runner) since ... (holder process not running: stale)`. */
export function formatLockStatus(locks: readonly HostLock[], alive = holderAlive): string {
  return locks
    .map((l) => {
      if (l.error) return `${l.host}: unreachable (${l.error})`;
      if (!l.holder) return `${l.host}: free`;
      const state = alive(l.holder);
      const note = state === false ? " (holder process is not running on this machine: stale)" : "";
      return `${l.host}: held by ${describeHolder(l.holder)}${note}`;
    })
    .join("\n");
}
