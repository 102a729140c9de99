/** The free-space rule: a backup needs at least twice the size of the last one (or of the database file). */

/** `df -P -k DIR` output: the fourth column of the second line is the available space in KiB. */
export function parseDfAvailableBytes(stdout: string): number | undefined {
  const line = stdout.trim().split("\n")[1];
  const available = line?.trim().split(/\s+/)[3];
  if (!available || !/^\d+$/.test(available)) return undefined;
  return Number(available) * 1024;
}

export function dfArgv(dir: string): string[] {
  return ["df", "-P", "-k", dir];
}

export interface SpaceVerdict {
  ok: boolean;
  neededBytes: number;
  availableBytes: number;
  message: string;
}

export function checkFreeSpace(
  availableBytes: number,
  referenceBytes: number | undefined,
  dir: string,
  reference = "the last one's size",
): SpaceVerdict {
  const neededBytes = 2 * (referenceBytes ?? 0);
  const ok = availableBytes >= neededBytes;
  const message = ok
    ? `${formatBytes(availableBytes)} free in ${dir}, ${formatBytes(neededBytes)} needed`
    : `only ${formatBytes(availableBytes)} free in ${dir}, but a backup needs twice ${reference} (${formatBytes(neededBytes)})`;
  return { ok, neededBytes, availableBytes, message };
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Whether a failed command's output says the disk filled up: the kernel's ENOSPC text ("No space left on device",
 * from cp, gzip, pg_dump...) or SQLite's SQLITE_FULL ("database or disk is full", from VACUUM INTO).
 */
export function saysDiskFull(output: string): boolean {
  return /no space left on device|database or disk is full|disk quota exceeded/i.test(output);
}
