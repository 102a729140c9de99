/** Rolling-batch arithmetic (`serial`) and the stop rules (`max_fail_percentage`, all hosts failed), as in Ansible. */
import type { Serial } from "./types.js";

/** Size of one batch entry: a number, or a percentage of all the play's hosts (rounded down, at least 1). */
export function batchSize(entry: number | string, total: number): number {
  if (typeof entry === "number") return Math.max(1, Math.floor(entry));
  const percent = Number.parseFloat(entry);
  return Math.max(1, Math.floor((total * percent) / 100));
}

/** Splits hosts into batches; each serial entry sizes one batch and the last one repeats. */
export function computeBatches<T>(hosts: readonly T[], serial: Serial): T[][] {
  if (hosts.length === 0) return [];
  if (serial.length === 0) return [[...hosts]];
  const batches: T[][] = [];
  let index = 0;
  let entry = 0;
  while (index < hosts.length) {
    const spec = serial[Math.min(entry, serial.length - 1)] as number | string;
    const size = batchSize(spec, hosts.length);
    batches.push(hosts.slice(index, index + size));
    index += size;
    entry++;
  }
  return batches;
}

/**
 * Whether the play stops after a batch. With max_fail_percentage the failed share must EXCEED it (10% of 10 hosts
 * means a second failure stops, not the first); without it the play stops only when every host in the batch failed.
 */
export function batchAborts(failed: number, size: number, maxFailPercentage: number | undefined): boolean {
  if (size === 0 || failed === 0) return false;
  if (maxFailPercentage === undefined) return failed >= size;
  return (failed / size) * 100 > maxFailPercentage;
}
