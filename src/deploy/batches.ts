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
