/**
 * The host's release history, `<deploy_dir>/releases.json`: newest last. Pure functions here; reading and writing the
 * file is in host-state.ts.
 */
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
 * Release directories to delete: the deployed ones beyond the newest `keep`, never the live one or the one the
 * idle color still runs (rollback needs it), and failed releases once they are not the newest.
 */
export function releasesToPrune(
  history: ReleaseHistory,
  keep: number,
  protectedIds: readonly string[],
): { prune: string[]; history: ReleaseHistory } {
  const deployed = history.releases.filter((r) => r.result === "deployed");
  const kept = new Set(deployed.slice(-Math.max(1, keep)).map((r) => r.id));
  for (const id of protectedIds) kept.add(id);
  const newest = history.releases.at(-1)?.id;
  if (newest) kept.add(newest);
  const prune = history.releases.filter((r) => !kept.has(r.id)).map((r) => r.id);
  return { prune, history: { releases: history.releases.filter((r) => kept.has(r.id)) } };
}

/** The release a rollback goes to: `to` when given, else the deployed release before the live one. */
export function rollbackTarget(history: ReleaseHistory, live: string | null, to?: string): ReleaseRecord | undefined {
  const deployed = history.releases.filter((r) => r.result === "deployed");
  if (to) return deployed.find((r) => r.id === to);
  const liveIndex = live ? deployed.findIndex((r) => r.id === live) : deployed.length;
  const before = deployed.slice(0, liveIndex === -1 ? deployed.length : liveIndex);
  return before.at(-1);
}
