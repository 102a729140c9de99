/** Backing up before a change and restoring on the way back, from the config's `database:`. */
import { dirname } from "node:path";
import { databaseSpecFromConfig } from "../backup/from-config.js";
import { createBackup, restoreBackup } from "../backup/index.js";
import type { DatabaseSpec, Writers } from "../backup/types.js";
import type { SlipwayConfig } from "../config/index.js";
import type { RemoteHost } from "../remote/types.js";

export function databaseSpec(config: SlipwayConfig, secrets: Record<string, string>): DatabaseSpec | null {
  if (!config.database) return null;
  return databaseSpecFromConfig(config.database, {
    app: config.app,
    strategy: config.strategy,
    env: { ...process.env, ...secrets },
  });
}

/** Stop/start commands for the processes that write the database (through sudo: systemctl needs root). */
export function sudoWriters(stopStart: { stop: string[][]; start: string[][] }): Writers {
  const sudo = (argv: string[]) => ["sudo", "-n", ...argv];
  return { stop: stopStart.stop.map(sudo), start: stopStart.start.map(sudo) };
}

/** A file database's directory exists and belongs to its owner before any service that uses it starts. */
export async function prepareDatabaseDir(host: RemoteHost, config: SlipwayConfig, user: string): Promise<void> {
  const db = config.database;
  if (!db?.path?.startsWith("/") || db.volume) return;
  const dir = dirname(db.path);
  const owner = db.owner ?? user;
  await host.exec(["sh", "-c", 'test -d "$1" || { mkdir -p -- "$1" && chown -- "$2" "$1"; }', "sh", dir, owner], {
    become: true,
    step: "database dir",
  });
}

/**
 * The backup before a change. A file database that does not exist yet (first deploy) has nothing to back up: null.
 * Any other failure throws, which stops the deploy before anything changed.
 */
export async function backupBeforeChange(
  host: RemoteHost,
  config: SlipwayConfig,
  spec: DatabaseSpec | null,
  release: string,
  writers: Writers,
  log: (line: string) => void,
): Promise<string | null> {
  if (!spec) return null;
  if ((spec.engine === "sqlite" || spec.engine === "duckdb") && spec.location.kind === "file") {
    const exists = await host.exec(["test", "-e", spec.location.path], { check: false, become: true });
    if (exists.code !== 0) {
      log(`no database at ${spec.location.path} yet: nothing to back up`);
      return null;
    }
  }
  if ((spec.engine === "sqlite" || spec.engine === "duckdb") && spec.location.kind === "volume") {
    // First deploy of a container app: the volume (or the file in it) does not exist until a container made it.
    const script = 'm=$(docker volume inspect --format "{{ .Mountpoint }}" -- "$1" 2>/dev/null) && test -e "$m/$2"';
    const { volume, path } = spec.location;
    const exists = await host.exec(["sh", "-c", script, "sh", volume, path], { check: false, become: true });
    if (exists.code !== 0) {
      log(`no database at ${volume}:${path} yet: nothing to back up`);
      return null;
    }
  }
  const manifest = await createBackup({
    host,
    deployDir: config.deploy_dir,
    database: spec,
    release,
    reason: "deploy",
    writers,
    step: "backup",
    log,
  });
  return manifest.id;
}

export async function restoreBeforeRelease(
  host: RemoteHost,
  config: SlipwayConfig,
  spec: DatabaseSpec,
  id: string,
  release: string,
  writers: Writers,
  log: (line: string) => void,
): Promise<void> {
  await restoreBackup({
    host,
    deployDir: config.deploy_dir,
    database: spec,
    release,
    writers,
    id,
    step: "restore",
    log,
  });
}
