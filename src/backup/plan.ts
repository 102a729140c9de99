/** What the plan (check mode) says about the backup step, in plain words. */
import { describeFileLocation, describeServerLocation } from "./location.js";
import { backupDir } from "./naming.js";
import { DEFAULT_KEEP } from "./retention.js";
import type { DatabaseSpec } from "./types.js";

export function describeDatabase(spec: DatabaseSpec): string {
  switch (spec.engine) {
    case "sqlite":
      return `SQLite ${describeFileLocation(spec.location)}`;
    case "duckdb":
      return `DuckDB ${describeFileLocation(spec.location)}`;
    case "postgres":
      return `Postgres ${spec.database} (${describeServerLocation(spec.location)})`;
    case "mysql":
      return `MySQL/MariaDB ${spec.database} (${describeServerLocation(spec.location)})`;
    case "mongodb":
      return `MongoDB${spec.database ? ` ${spec.database}` : ""} (${describeServerLocation(spec.location)})`;
  }
}

export function describeMethod(spec: DatabaseSpec): string {
  switch (spec.engine) {
    case "sqlite":
      return "online copy with VACUUM INTO while the app keeps running, then PRAGMA integrity_check on the copy";
    case "duckdb":
      return spec.safety.mode === "stop-first"
        ? "DuckDB allows one writer: the app is STOPPED while the file is copied (downtime), checked byte for byte, then started again"
        : "exported by the app's own export command while it keeps running";
    case "postgres":
      return `pg_dump -Fc while the app keeps running, checked with pg_restore --list${spec.verifyRestore ? ", restored into a scratch database with row counts compared" : ""}`;
    case "mysql":
      return "mysqldump --single-transaction --quick | gzip while the app keeps running, checked with gzip -t and the dump's completion line";
    case "mongodb":
      return "mongodump --archive --gzip while the app keeps running, checked with mongorestore --dryRun";
  }
}

export function planLines(spec: DatabaseSpec, deployDir: string, keep = DEFAULT_KEEP): string[] {
  return [
    `back up ${describeDatabase(spec)}: ${describeMethod(spec)}`,
    `into ${backupDir(deployDir, spec.backupsDir)}/ (needs twice the last backup's size free); keep the newest ${keep} plus those of the live and previous releases`,
    "a failed backup stops the deploy before anything changes",
  ];
}
