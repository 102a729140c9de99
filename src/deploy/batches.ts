/**
 * Fleet arithmetic of the deploy. The rolling batches themselves (`inventory.serial`, `max_fail_percentage`) are the
 * playbook engine's (engine/batches.ts, Ansible's rounding: "50%" of 3 hosts is batches of 1); fleet.ts uses them.
 */
import { type ReleaseHistory, rollbackTarget } from "./history.js";

/**
 * The release a fleet rollback goes to: the deployed release before "the last deploy", the newest live release of
 * the fleet (by its record's time); found in the history of a host that has it. Null when no host knows one (each
 * host then goes to its own previous release).
 */
export function fleetRollbackTarget(
  lives: ReadonlyArray<{ release: string | null; history: ReleaseHistory }>,
): string | null {
  const timeOf = (id: string) =>
    lives
      .flatMap((l) => l.history.releases.filter((r) => r.id === id).map((r) => r.time))
      .sort()
      .at(-1) ?? "";
  const live = [...new Set(lives.map((l) => l.release).filter((r): r is string => r !== null))];
  const last = live.sort((a, b) => timeOf(a).localeCompare(timeOf(b))).at(-1);
  if (!last) return null;
  for (const l of lives) {
    const target = rollbackTarget(l.history, last);
    if (target) return target.id;
  }
  return null;
}
