/**
 * The post step's cleanup after a cancelled or crashed deploy: on each host, release the deploy lock this run took
 * (the deploy's releaseLockHeldBy: only a lock whose record names this run id; another run's is left and reported).
 * Needed when the main step was killed before its own undo finished (the runner's SIGTERM after SIGINT, or SIGKILL).
 */
import type { SlipwayConfig } from "../config/index.js";
import { chosenHosts, connectAll } from "../deploy/connect.js";
import { releaseLockHeldBy } from "../deploy/lock.js";
import { deployPaths } from "../deploy/paths.js";
import { ConnectionPool } from "../remote/index.js";

export type LockRelease = Awaited<ReturnType<typeof releaseLockHeldBy>>;

export interface HostCleanup {
  host: string;
  lock?: LockRelease;
  error?: string;
}

/** Every chosen host's lock released when `runId` holds it; unreachable hosts are reported, not thrown. */
export async function cleanupAfterRun(config: SlipwayConfig, limit: string[], runId: string): Promise<HostCleanup[]> {
  const pool = new ConnectionPool();
  const lockPath = deployPaths(config.deploy_dir).lock;
  try {
    const connected = await connectAll(config, chosenHosts(config, limit), pool);
    return await Promise.all(
      connected.map(async ({ resolved, host, error }): Promise<HostCleanup> => {
        if (!host) return { host: resolved.name, error: error ?? "unreachable" };
        try {
          return { host: resolved.name, lock: await releaseLockHeldBy(host, lockPath, runId) };
        } catch (e) {
          return { host: resolved.name, error: e instanceof Error ? e.message : String(e) };
        }
      }),
    );
  } finally {
    await pool.closeAll();
  }
}
