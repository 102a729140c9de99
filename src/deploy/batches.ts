/**
 * Rolling batches (`inventory.serial`, `inventory.max_fail_percentage`): hosts are deployed a batch at a time, and
 * the rollout stops when a batch's failures exceed the allowed percentage (0: any failure stops it), so a bad release
 * reaches as few hosts as the config asks. Pure functions; deploy.ts runs the batches.
 */
import { type ReleaseHistory, rollbackTarget } from "./history.js";

/** Batch size from `serial` (a number of hosts or "N%" of them, at least 1). */
export function batchSize(serial: number | string, total: number): number {
  if (total === 0) return 0;
  if (typeof serial === "number") return Math.min(total, Math.max(1, serial));
  const percent = Number(serial.replace(/%$/, ""));
  return Math.min(total, Math.max(1, Math.ceil((total * percent) / 100)));
}

/** The hosts split into consecutive batches, in inventory order. */
export function rolloutBatches<T>(items: readonly T[], serial: number | string): T[][] {
  const size = batchSize(serial, items.length);
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/** True when the batch's failures exceed `max_fail_percentage` of its hosts: the rollout stops. */
export function rolloutStops(failed: number, batch: number, maxFailPercentage: number): boolean {
  if (batch === 0 || failed === 0) return false;
  return (failed * 100) / batch > maxFailPercentage;
}

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
