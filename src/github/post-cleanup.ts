/**
 * The post step's cleanup after a cancelled or crashed deploy: release the deploy lock on each host, but only the
 * lock this run took (a lock another run holds is reported, never removed).
 *
 * Stand-in until the deploy exports its own cleanup (src/deploy/lock.ts `releaseLockHeldBy`, the deploy-core issue):
 * same name and result type, so the post step switches to it by changing one import. A lock is this run's when its
 * holder record names the run: `runId` in the record (once the deploy writes one), or the holder name the action
 * gave the deploy (`lockHolder`, which carries the run id).
 */
import type { SlipwayConfig } from "../config/index.js";
import { chosenHosts, connectAll } from "../deploy/connect.js";
import { deployPaths } from "../deploy/paths.js";
import { ConnectionPool } from "../remote/index.js";
import type { RemoteHost } from "../remote/types.js";

export type LockRelease = "released" | "not-held" | "held-by-other";

/** The deploy's `actor` as the action passes it: who, and the run (`<run id>-<attempt>`) that holds the lock. */
export function lockHolder(actor: string, runId: string): string {
  return `${actor} (run ${runId})`;
}

/** Whether the holder file's text names this run (JSON `{holder, runId?}` as the deploy writes it). */
export function heldByRun(holderText: string, runId: string): boolean {
  try {
    const record = JSON.parse(holderText) as { holder?: unknown; runId?: unknown };
    if (record.runId !== undefined) return record.runId === runId;
    return typeof record.holder === "string" && record.holder.endsWith(`(run ${runId})`);
  } catch {
    return false;
  }
}

/** Removes the lock at `lockPath` when this run holds it. Throws only when the host cannot be read (RemoteCommandError). */
export async function releaseLockHeldBy(host: RemoteHost, lockPath: string, runId: string): Promise<LockRelease> {
  const text = (await host.readFile(`${lockPath}/holder`))?.toString("utf8");
  if (text === undefined) {
    // No holder file: either no lock, or a run between its mkdir and its holder write (maybe not ours: keep it).
    const dir = await host.exec(["test", "-d", lockPath], { check: false, step: "post: unlock" });
    return dir.code === 0 ? "held-by-other" : "not-held";
  }
  if (!heldByRun(text, runId)) return "held-by-other";
  await host.exec(["rm", "-rf", "--", lockPath], { step: "post: unlock" });
  return "released";
}

export interface HostCleanup {
  host: string;
  lock?: LockRelease;
  error?: string;
}

/** Every chosen host's lock released when this run holds it; unreachable hosts are reported, not thrown. */
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
