/**
 * Whether the release asked for is already live, and reading the host's state again once the lock is held after
 * another run held it (`--lock-wait`, a stale or forced lock): that run may have deployed, so the color, the live
 * release and the history read before the wait are stale (D36).
 */
import { SlipwayError } from "../errors.js";
import { parseHistory, renderHistory } from "./history.js";
import { parseColorFile, readLiveState } from "./host-state.js";
import { switchTo } from "./nginx.js";
import { otherColor } from "./release-id.js";
import { settleAll } from "./settle.js";
import { nginxDown } from "./steps/preflight.js";
import type { FlowState } from "./steps/types.js";
import type { ReleaseRecord } from "./types.js";

/**
 * The live release's record when the host's records (the live link, color and history, read by flowState) say it
 * may be the release asked for, else null: alreadyLive's checks that need no round trip. Null means the run will
 * change the host; a record means it changes nothing unless the runtime's or nginx's looks (alreadyLive) differ.
 */
export function sameOnRecord(s: Pick<FlowState, "run" | "live" | "liveColor" | "fingerprint">): ReleaseRecord | null {
  const record = s.live.history.releases.find((r) => r.id === s.live.release);
  if (!s.liveColor || !record) return null;
  // A killed run's switch left nginx on another color (D82): the recorded release is not what users get.
  if (s.run.kind === "rollback") return record.id === s.run.releaseId && !s.run.leftSwitch ? record : null;
  return record.fingerprint === s.fingerprint ? record : null;
}

/**
 * Same release already live and healthy: its id, else null (no restart, no reload either way). A deploy compares the
 * fingerprint (commit, env, images) and what staging and the site would change; a rollback to the release that is live
 * is "already live" while its color runs (D52: it was started again on the other color, which is not a rollback).
 */
export async function alreadyLive(s: FlowState): Promise<string | null> {
  const { runtime, host, config, env, images, secrets, releaseDir } = s.run;
  const record = sameOnRecord(s);
  if (!s.liveColor || !record) return null;
  if (s.run.kind === "rollback") {
    const [running, down] = await settleAll([
      s.role.services.length === 0 || runtime.isRunning(s.liveColor, { planned: true }),
      nginxDown(s),
    ]);
    return running && !down ? record.id : null;
  }
  // A host of the load-balancer layout runs services, the site, or both: only what it runs is compared. The looks are
  // read-only and independent: all at once.
  const runs = s.role.services.length > 0;
  const input = { releaseId: record.id, env, images, secrets, releaseDir, check: true };
  // nginx stopped (D83): users get nothing, so the release is not "live"; the run goes on and its preflight refuses
  // it with the hint (the read is preflight's own, made once per run).
  const [running, stage, site, down] = await settleAll([
    runs ? runtime.isRunning(s.liveColor, { planned: true }) : true,
    runs ? runtime.stage(s.liveColor, input) : { changed: false },
    s.role.switches ? switchTo(host, config, s.liveColor, true) : null,
    nginxDown(s),
  ]);
  return running && !stage.changed && !site?.changed && !down ? record.id : null;
}

/**
 * Reads the live release, color and history again under the lock and re-plans on them: the history this run writes
 * is then the one under the lock (the other run's release kept). Resolves the live release's id when it is now the
 * release asked for (nothing to do), else null with `live`, `liveColor`, `idle` and `history` updated.
 * Throws when the other run turned a first deploy into one with a live color under stop-first (a different step list).
 */
export async function replanUnderLock(s: FlowState): Promise<string | null> {
  const live = await readLiveState(s.run.host, s.paths);
  s.history = live.history;
  const changed = live.release !== s.live.release || live.color !== s.live.color;
  s.live = live;
  if (!changed) return null;
  // The containers and images the plan saw are another run's past: staged from what is there now.
  s.run.runtime.forget?.();
  s.liveColor = live.color;
  s.idle = live.color ? otherColor(live.color) : "blue";
  s.say(`the host changed while the lock was held: live is now ${live.release ?? "none"} on ${live.color ?? "-"}`);
  const same = await alreadyLive(s);
  if (same) return same;
  if (!s.stopFirst && s.run.config.strategy === "stop-first" && live.color !== null) {
    throw new SlipwayError("another run deployed a first release while this one waited for the lock", {
      host: s.run.host.name,
      step: "lock",
      hint: "nothing was changed by this run; deploy again to replace that release",
    });
  }
  s.say(`re-planned: ${s.run.kind} ${s.run.releaseId} to ${s.idle}`);
  return null;
}

/**
 * Under the lock, whether the host still is as the plan read it (before the lock): the color file and the history,
 * read in one command beside the reconcile's own reads. A run that deployed between this run's plan and its lock (the
 * plan waited at the confirmation prompt, or for an earlier batch) changed both; then everything is read again and
 * re-planned (replanUnderLock). Resolves the live release's id when it is now the release asked for, else null.
 */
export async function recheckUnderLock(s: FlowState): Promise<string | null> {
  const [colorFile, historyFile] = await Promise.all([
    s.run.host.readFile(s.paths.color),
    s.run.host.readFile(s.paths.history),
  ]);
  return recheckRead(s, colorFile?.toString("utf8"), historyFile?.toString("utf8"));
}

/** recheckUnderLock on the color file's and the history's texts as read under the lock (lock-ahead.ts read them). */
export async function recheckRead(
  s: FlowState,
  colorFile: string | undefined,
  historyFile: string | undefined,
): Promise<string | null> {
  const same =
    parseColorFile(colorFile) === s.live.color &&
    renderHistory(parseHistory(historyFile)) === renderHistory(s.live.history);
  return same ? null : replanUnderLock(s);
}
