/**
 * The host's release history, `<deploy_dir>/releases.json`: newest last. Pure functions here; reading and writing the
 * file is in host-state.ts.
 */
import type { Color } from "../config/index.js";
import type { ReleaseRecord } from "./types.js";

export interface ReleaseHistory {
  releases: ReleaseRecord[];
}

export function parseHistory(text: string | undefined): ReleaseHistory {
  if (!text?.trim()) return { releases: [] };
  const parsed = JSON.parse(text) as Partial<ReleaseHistory>;
  return { releases: Array.isArray(parsed.releases) ? parsed.releases : [] };
}

export function renderHistory(history: ReleaseHistory): string {
  return `${JSON.stringify(history, null, 2)}\n`;
}

/** Adds or replaces the record with the same id (a rollback re-records an existing release). */
export function withRecord(history: ReleaseHistory, record: ReleaseRecord): ReleaseHistory {
  return { releases: [...history.releases.filter((r) => r.id !== record.id), record] };
}

/**
 * Release directories to delete: those that went live (`deployed`, and `rolled-back`: a rollback moves the release
 * it leaves to the end of the history, so it counts as recent) beyond the newest `keep`, never the live one or the
 * one the idle color still runs (rollback needs it), and failed releases once they are not the newest. A rolled-back
 * release is thus listed by `slipway releases` for as long as `keep` allows, like any other.
 */
export function releasesToPrune(
  history: ReleaseHistory,
  keep: number,
  protectedIds: readonly string[],
): { prune: string[]; history: ReleaseHistory } {
  const wentLive = history.releases.filter((r) => r.result !== "failed");
  const kept = new Set(wentLive.slice(-Math.max(1, keep)).map((r) => r.id));
  for (const id of protectedIds) kept.add(id);
  const newest = history.releases.at(-1)?.id;
  if (newest) kept.add(newest);
  const prune = history.releases.filter((r) => !kept.has(r.id)).map((r) => r.id);
  return { prune, history: { releases: history.releases.filter((r) => kept.has(r.id)) } };
}

/**
 * A dead run's switch nginx still follows (status-served.ts leftSwitch): users are on `release` on `served`, which the
 * history does not name; the run's reconcile step points nginx back at the recorded color before anything else.
 */
export interface LeftSwitch {
  served: Color;
  release: string;
  run: string;
}

/**
 * The release a rollback goes to: `to` when given, else the deployed release before the one users are on. With a
 * switch a killed run left (`left`, D82), users are on that run's unrecorded release, so the release before it is the
 * recorded live one: the rollback goes there, not one further.
 */
export function rollbackTarget(
  history: ReleaseHistory,
  live: string | null,
  to?: string,
  left?: LeftSwitch | null,
): ReleaseRecord | undefined {
  const deployed = history.releases.filter((r) => r.result === "deployed");
  if (to) return deployed.find((r) => r.id === to);
  const recorded = live ? deployed.find((r) => r.id === live) : undefined;
  if (left && recorded) return recorded;
  const liveIndex = live ? deployed.findIndex((r) => r.id === live) : deployed.length;
  const before = deployed.slice(0, liveIndex === -1 ? deployed.length : liveIndex);
  return before.at(-1);
}

/** The rollback plan's line on what users get now when a killed run's switch is left (D82), before the run undoes it. */
export function leftSwitchLine(left: LeftSwitch, recordedColor: Color | null, target: string): string {
  const back = recordedColor ? `reconcile first points nginx back at the recorded ${recordedColor}, then ` : "";
  return `nginx serves ${left.served} (release ${left.release || "unknown"}, not recorded: left by run ${left.run || "unknown"}); rollback goes to ${target}: ${back}the rollback deploys it`;
}

/**
 * Why `rollbackTarget` found nothing, in the user's terms: `--to` a failed or rolled-back release (in the history,
 * but never a target), `--to` an unknown id, or no deployed release before the live one. `hint` lists the deployed
 * releases, the only ones a rollback can go to.
 */
export function noRollbackTarget(
  history: ReleaseHistory,
  live: string | null,
  to?: string,
): { message: string; hint: string } {
  const deployed = history.releases.filter((r) => r.result === "deployed").map((r) => r.id);
  const targets = `deployed releases on the host (a rollback can go to one of these): ${deployed.join(", ") || "none"}`;
  if (to) {
    const record = history.releases.find((r) => r.id === to);
    if (record?.result === "failed") {
      return { message: `release ${to} failed its deploy on this host: it cannot be rolled back to`, hint: targets };
    }
    if (record?.result === "rolled-back") {
      const again = "it cannot be rolled back to; deploy its commit again instead";
      return { message: `release ${to} was rolled back from on this host: ${again}`, hint: targets };
    }
    const all = history.releases.map((r) => r.id).join(", ") || "none";
    return { message: `release ${to} is not in the host's history`, hint: `releases on the host: ${all}` };
  }
  const message =
    live && deployed.includes(live)
      ? `no earlier release to roll back to: ${live} is the first deployed release on this host`
      : "no release is deployed on this host yet: nothing to roll back to";
  return { message, hint: `${targets}; to run an older commit, deploy it` };
}
