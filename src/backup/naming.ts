/**
 * Backup names: `<release>-<UTC time>` (e.g. `a1b2c3d-20260102T030405123Z`), the file `<id>.<ext>` and its manifest
 * `<id>.json`, all in `<deploy dir>/backups/` (or the config's `database.backups.dir`). Milliseconds are kept so that a pre-restore backup taken right after
 * another one never collides with it.
 */
import path from "node:path/posix";

const STAMP = /^(.+)-(\d{8}T\d{9}Z)$/;

/** The backup directory: `override` (the config's `database.backups.dir`) when set, else `<deploy dir>/backups`. */
export function backupDir(deployDir: string, override?: string): string {
  return override ?? path.join(deployDir, "backups");
}

/**
 * Release names come from users (branches, tags): keep only characters that are safe in a file name. `-` is kept, so
 * a release id as written (`ba6f0a6-20261130165844`) is found in its backup's id by grep; ids written before with `_`
 * for `-` are still listed and restored (by their manifest's id).
 */
export function safeRelease(release: string): string {
  const cleaned = release.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._-]+/, "");
  return cleaned === "" ? "unreleased" : cleaned.slice(0, 80);
}

/**
 * The names a release's backups may carry in their manifest: today's `safeRelease` and the one written before `-`
 * was kept (`-` as `_`), so the backups of a release taken before the change are still matched to it.
 */
export function releaseNames(release: string): string[] {
  const legacy = release.replace(/[^A-Za-z0-9._]+/g, "_").replace(/^[._]+/, "") || "unreleased";
  return [...new Set([release, safeRelease(release), legacy.slice(0, 80)])];
}

export function utcStamp(date: Date): string {
  return `${date.toISOString().replace(/[-:.]/g, "").replace("Z", "")}Z`;
}

export function backupId(release: string, date: Date): string {
  return `${safeRelease(release)}-${utcStamp(date)}`;
}

export function parseBackupId(id: string): { release: string; stamp: string } | undefined {
  const match = STAMP.exec(id);
  if (!match?.[1] || !match[2]) return undefined;
  return { release: match[1], stamp: match[2] };
}

export function backupFile(deployDir: string, id: string, ext: string): string {
  return path.join(backupDir(deployDir), `${id}.${ext}`);
}

export function manifestFile(deployDir: string, id: string): string {
  return path.join(backupDir(deployDir), `${id}.json`);
}
