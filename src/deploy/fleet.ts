/**
 * The fleet outcome (issue 10 item 9): a failed host in a batch switches the batch's deployed hosts back to their
 * previous release (`inventory.on_batch_failure: switch_back`, the default), so no host is left on another release
 * without the recap saying so; a rollback without `--to` takes the whole fleet to one release.
 */
import type { SlipwayConfig } from "../config/index.js";
import { SlipwayError } from "../errors.js";
import type { RemoteHost } from "../remote/types.js";
import { fleetRollbackTarget } from "./batches.js";
import type { Connected } from "./connect.js";
import type { BaseRun } from "./deploy.js";
import { rollbackTarget } from "./history.js";
import { runHost } from "./host-flow.js";
import { readLiveState } from "./host-state.js";
import { deployPaths } from "./paths.js";
import type { ColorRuntime } from "./runtime.js";
import type { HostResult } from "./types.js";

/** A rollback's release, commit, env and images from the host's own history (`releaseId` empty: its previous one). */
export async function hostSpecific(run: BaseRun, host: RemoteHost): Promise<BaseRun> {
  const live = await readLiveState(host, deployPaths(run.config.deploy_dir));
  const target = rollbackTarget(live.history, live.release, run.releaseId || undefined);
  if (!target) {
    throw new SlipwayError(
      run.releaseId ? `release ${run.releaseId} is not in the host's history` : "no earlier release to roll back to",
      { host: host.name, hint: `releases on the host: ${live.history.releases.map((r) => r.id).join(", ") || "none"}` },
    );
  }
  return { ...run, releaseId: target.id, commit: target.commit, env: target.env ?? {}, images: target.images };
}

/** The fleet's rollback target from every reachable host's history (fleetRollbackTarget); null when unknown. */
export async function fleetTarget(connected: readonly Connected[], config: SlipwayConfig): Promise<string | null> {
  const paths = deployPaths(config.deploy_dir);
  const hosts = connected.flatMap((c) => (c.host ? [c.host] : []));
  if (hosts.length < 2) return null;
  const lives = await Promise.all(hosts.map((h) => readLiveState(h, paths)));
  return fleetRollbackTarget(lives);
}

/**
 * After a batch where a host failed: each host of the batch that deployed goes back to the release it had (the same
 * machinery as a rollback). Its result becomes `failed`, saying it was switched back and why, or that the
 * switch-back failed too.
 */
export async function switchBackBatch(
  batch: readonly Connected[],
  results: HostResult[],
  ctx: BaseRun & { runtime: (host: RemoteHost) => ColorRuntime; report: (line: string) => void },
): Promise<void> {
  const failed = results.filter((r) => r.status === "failed" || r.status === "unreachable").map((r) => r.name);
  if (failed.length === 0) return;
  for (const [i, result] of results.entries()) {
    const c = batch[i];
    if (result.status !== "changed" || !c?.host) continue;
    const why = `${failed.join(", ")} failed in the same batch (inventory.on_batch_failure: switch_back)`;
    if (!result.previousRelease) {
      results[i] = { ...result, error: `deployed, but ${why}: no previous release to switch back to` };
      continue;
    }
    ctx.report(`[${c.resolved.name}] switching back to ${result.previousRelease}: ${why}`);
    try {
      const run = await hostSpecific({ ...ctx, kind: "rollback", releaseId: result.previousRelease }, c.host);
      const back = await runHost(
        { ...run, host: c.host, user: c.resolved.user, runtime: ctx.runtime(c.host) },
        c.resolved.address,
      );
      results[i] = { ...back, status: "failed", error: `switched back to ${result.previousRelease}: ${why}` };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      results[i] = { ...result, status: "failed", error: `deployed; switching back failed (${message}): ${why}` };
    }
  }
}
