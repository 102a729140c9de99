/**
 * What is live before a deploy or rollback, read from the hosts' release histories (releases.json): the release the
 * run replaces (the `previous-release` output) and, for a rollback, the commit of the release it goes back to (the
 * GitHub deployment must name the commit that will serve, not the workflow's HEAD).
 */
import type { SlipwayConfig } from "../config/index.js";
import { newestLive } from "../deploy/batches.js";
import { rollbackTarget } from "../deploy/history.js";
import { type HostReleases, listReleases } from "../deploy/releases.js";

export interface BeforeRun {
  /**
   * The fleet's newest live release (the latest record time of the hosts' live releases, as a rollback without --to
   * judges it: deploy/batches.ts newestLive), else the first host's that has one; undefined on a first deploy or
   * when no host answered.
   */
  previousRelease?: string;
  /** Rollback only: the target release (`to`, else the one before the live one) and its commit. */
  target?: { release: string; commit: string };
}

/** Pure: the facts above from each host's live state (hosts that did not answer are skipped). */
export function beforeRunFrom(
  hosts: readonly HostReleases[],
  rollbackTo: string | undefined,
  rollback: boolean,
): BeforeRun {
  const lives = hosts.flatMap((h) => (h.live?.release ? [h.live] : []));
  const newest = newestLive(lives);
  const live = lives.find((l) => l.release === newest) ?? lives[0];
  if (!live) return {};
  const out: BeforeRun = { previousRelease: live.release ?? undefined };
  if (rollback) {
    const record = rollbackTarget(live.history, live.release, rollbackTo);
    if (record?.commit) out.target = { release: record.id, commit: record.commit };
  }
  return out;
}

/** Reads the hosts (the deploy's own connections and host key checks); never throws: unknown facts stay undefined. */
export async function readBeforeRun(
  config: SlipwayConfig,
  limit: string[],
  rollbackTo: string | undefined,
  rollback: boolean,
): Promise<BeforeRun> {
  try {
    return beforeRunFrom(await listReleases(config, limit), rollbackTo, rollback);
  } catch {
    return {};
  }
}
