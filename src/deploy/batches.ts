/**
 * Fleet arithmetic of the deploy. The rolling batches themselves (`inventory.serial`, `max_fail_percentage`) are the
 * playbook engine's (engine/batches.ts, Ansible's rounding: "50%" of 3 hosts is batches of 1); fleet.ts uses them.
 */
import { type ReleaseHistory, rollbackTarget } from "./history.js";

/**
 * `rollback --to ID` over several hosts: the hosts whose own history cannot go to `to` (not there, failed or rolled
 * back from there), and those that can. A canary (`deploy -l one-host`) gives hosts different release ids, so `--to`
 * may name a release only some hosts ran; the rollback then refuses on every host, naming these.
 */
export function rollbackToCoverage(
  lives: ReadonlyArray<{ name: string; release: string | null; history: ReleaseHistory }>,
  to: string,
): { lacking: string[]; having: string[] } {
  const can = (l: (typeof lives)[number]) => rollbackTarget(l.history, l.release, to) !== undefined;
  return { lacking: lives.filter((l) => !can(l)).map((l) => l.name), having: lives.filter(can).map((l) => l.name) };
}

/**
 * The way out of a refused `rollback --to ID` (rollbackToCoverage): the hosts that have it alone (`-l`), or no `--to`
 * (each host goes to its own previous release).
 */
export function rollbackToHint(to: string, having: readonly string[]): string {
  const alone =
    having.length > 0
      ? `roll back the hosts that have it alone (\`slipway rollback --to ${to} -l ${having.join(",")}\`), or `
      : "";
  return `${alone}run \`slipway rollback\` without --to: each host goes back to its own previous release`;
}

/** The release all of a rollback's hosts go to; "" when they go to different ones (the recap then names each). */
export function oneRelease(targets: ReadonlySet<string>): string {
  return targets.size === 1 ? ([...targets][0] as string) : "";
}

/**
 * The fleet's newest live release: the one whose record in its host's history has the latest `time` (ISO 8601, as
 * the record step writes it); null when no host's live release has a record. A rollback without `--to` undoes it
 * (rollbackStays); the Action names it as the release a run replaces (github/before-run.ts).
 */
export function newestLive(lives: ReadonlyArray<{ release: string | null; history: ReleaseHistory }>): string | null {
  let newest: { id: string; at: number } | null = null;
  for (const live of lives) {
    const record = live.history.releases.find((r) => r.id === live.release);
    const at = record ? Date.parse(record.time) : Number.NaN;
    if (record && !Number.isNaN(at) && (!newest || at > newest.at)) newest = { id: record.id, at };
  }
  return newest?.id ?? null;
}

/**
 * A rollback without `--to` over several hosts undoes the fleet's newest live release (newestLive): hosts live on it
 * go back to their own previous release; a host live on an older one stays, since the deploy being undone never
 * reached it (a rollout stopped part-way, a canary on other hosts), and its previous release is older still. A host
 * with no live release or with a killed run's switch intent (D82) is not judged here: it goes through the rollback,
 * whose own checks speak for it. `newest` is null when no host has a record (then nobody stays).
 */
export function rollbackStays(
  lives: ReadonlyArray<{ name: string; release: string | null; history: ReleaseHistory; intent: boolean }>,
): { newest: string | null; stays: Array<{ name: string; release: string }> } {
  const newest = newestLive(lives);
  if (!newest) return { newest: null, stays: [] };
  const stays = lives.flatMap((l) =>
    l.release && !l.intent && l.release !== newest ? [{ name: l.name, release: l.release }] : [],
  );
  return { newest, stays };
}
