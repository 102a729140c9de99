/** Backing up before a change and restoring on the way back, from the config's `database:`. */
import { dirname } from "node:path";
import { checkBackupRoom } from "../backup/create.js";
import { databaseSpecFromConfig } from "../backup/from-config.js";
import { copyToRunner, createBackup } from "../backup/index.js";
import { checkBackupTool } from "../backup/tool.js";
import type { DatabaseSpec, Writers } from "../backup/types.js";
import { composeContainerArgv } from "../commands/compose.js";
import { volumeHasPathArgv } from "../commands/docker.js";
import { ownedTreeArgv, testArgv } from "../commands/files.js";
import type { Color, SlipwayConfig } from "../config/index.js";
import { SlipwayError } from "../errors.js";
import type { RemoteHost } from "../remote/types.js";
import { composeProjectName } from "../render/compose.js";
import { serviceUser } from "../render/from-config/systemd.js";
import { ensureSystemUser } from "./app-user.js";
import { accessoriesProject } from "./compose/accessories.js";

/**
 * The config's database as a DatabaseSpec (null without `database:`). A compose service is looked for in its own
 * project, never by its service name across the host (another app's `db` would match, and helper mode's docker gate
 * lists the app's projects only, D74): an accessory in `<app>-accessories`, whatever color is live; a service of the
 * colors (runtime compose, stop-first) in the live color's project, when one is live.
 */
export function databaseSpec(
  config: SlipwayConfig,
  secrets: Record<string, string>,
  liveColor: Color | null = null,
): DatabaseSpec | null {
  if (!config.database) return null;
  const server = config.database.compose_service;
  const project = !server
    ? undefined
    : config.services[server]?.accessory
      ? accessoriesProject(config.app)
      : config.runtime === "compose" && liveColor
        ? composeProjectName(config.app, liveColor)
        : undefined;
  return databaseSpecFromConfig(config.database, {
    app: config.app,
    strategy: config.strategy,
    env: { ...process.env, ...secrets },
    ...(project ? { composeProject: project } : {}),
  });
}

/** Stop/start commands for the processes that write the database (through sudo: systemctl needs root). */
export function sudoWriters(stopStart: { stop: string[][]; start: string[][] }): Writers {
  const sudo = (argv: string[]) => ["sudo", "-n", ...argv];
  return { stop: stopStart.stop.map(sudo), start: stopStart.start.map(sudo) };
}

/**
 * A file database's directory exists and belongs to its owner before any service that uses it starts. The owner is
 * `database.owner`, else under runtime systemd the user the services run as (the app's own user, created here if
 * need be), else the SSH user. A directory owned by someone else is handed over with its files (a host deployed
 * before services got their own user). With `database.create_dir: false` a missing directory is an error (throws
 * SlipwayError naming it): it is meant to be a mount the user made, and an empty one in its place would hide that.
 */
export async function prepareDatabaseDir(host: RemoteHost, config: SlipwayConfig, user: string): Promise<void> {
  const db = config.database;
  if (!db?.path?.startsWith("/") || db.volume) return;
  const dir = dirname(db.path);
  if (!db.create_dir && (await host.exec(testArgv("-d", dir), { become: true, check: false })).code !== 0) {
    throw new SlipwayError(`the database directory ${dir} is missing and database.create_dir is false`, {
      host: host.name,
      step: "backup",
      hint: `create ${dir} on the host (or mount what should be there), or set database.create_dir: true`,
    });
  }
  const first = Object.keys(config.services)[0] ?? "";
  const owner = db.owner ?? (config.runtime === "systemd" ? serviceUser(config, first) : user);
  if (config.runtime === "systemd" && !db.owner) await ensureSystemUser(host, owner);
  await host.exec(ownedTreeArgv(dir, owner), { become: true, step: "database dir" });
}

/**
 * Where a file database (SQLite/DuckDB, on the host or in a volume) should be, and whether it is there; null for a
 * server database (always backed up). `where` names it for messages.
 */
export async function fileDatabaseState(
  host: RemoteHost,
  spec: DatabaseSpec,
): Promise<{ exists: boolean; where: string } | null> {
  if (spec.engine !== "sqlite" && spec.engine !== "duckdb") return composeServerState(host, spec);
  if (spec.location.kind === "file") {
    const exists = await host.exec(testArgv("-e", spec.location.path), { check: false, become: true });
    return { exists: exists.code === 0, where: spec.location.path };
  }
  if (spec.location.kind === "volume") {
    // A container app's volume (or the file in it) does not exist until a container made it.
    const { volume, path } = spec.location;
    const exists = await host.exec(volumeHasPathArgv(volume, path), { check: false, become: true });
    return { exists: exists.code === 0, where: `${volume}:${path}` };
  }
  return null;
}

/**
 * A database server in a compose service (an accessory): whether its container runs. Before the first deploy it
 * does not exist yet (the deploy starts it); null for a server reached by URL or by container name.
 */
async function composeServerState(
  host: RemoteHost,
  spec: Exclude<DatabaseSpec, { engine: "sqlite" | "duckdb" }>,
): Promise<{ exists: boolean; where: string } | null> {
  const location = spec.location;
  if (location.kind !== "service" || !("compose" in location)) return null;
  const { project, service } = location.compose;
  const ids = await host.exec(composeContainerArgv(project, service), { become: true, check: false });
  return { exists: ids.stdout.trim() !== "", where: `compose service ${project ? `${project}/` : ""}${service}` };
}

/**
 * What checkDatabasePresent found: `present` (its dump tool runs), `first-deploy` (a file database not made yet, at
 * `where`), or `none` (no database configured).
 */
export interface DatabaseFinding {
  state: "present" | "first-deploy" | "none";
  where?: string;
}

/**
 * "Nothing to back up" is only true on a host with no live release: there a missing file database is a first deploy.
 * A database that is there must have its dump tool (checkBackupTool throws naming what to install).
 * With a live release a missing database is a wrong `database.path` (or a lost file): this throws before anything
 * changes, naming the path, instead of deploying every time without a backup.
 */
export async function checkDatabasePresent(
  host: RemoteHost,
  spec: DatabaseSpec | null,
  liveRelease: string | null,
): Promise<DatabaseFinding> {
  if (!spec) return { state: "none" };
  const state = await fileDatabaseState(host, spec);
  if (!state || state.exists) {
    // The dump tool runs where the database is (host, its user, its container): missing, the plan says so now.
    const file = spec.engine === "sqlite" || spec.engine === "duckdb";
    await checkBackupTool({ host, become: file, step: "preflight" }, spec);
    return { state: "present" };
  }
  if (liveRelease === null) return { state: "first-deploy", where: state.where };
  throw new SlipwayError(
    `no database at ${state.where}, but release ${liveRelease} is live: refusing to deploy without a backup`,
    {
      host: host.name,
      step: "preflight",
      hint:
        spec.engine === "sqlite" || spec.engine === "duckdb"
          ? "check database.path (and database.volume) in slipway.yml against where the app writes its database (an app that creates it on its first write: create it once, e.g. `sqlite3 <path> 'VACUUM'`); nothing was changed"
          : `start the database server's container (\`docker ps -a\` shows why it stopped) or fix database.compose_service; nothing was changed`,
    },
  );
}

/**
 * The backup before a change; null when there is nothing to back up (no database, or a first deploy whose database
 * does not exist yet). `found`: the preflight's checkDatabasePresent under the same lock (asked again when absent).
 * Any failure throws, which stops the deploy before anything changed. With `database.backups.copy_to` the dump is
 * also copied to that directory on the runner.
 */
export async function backupBeforeChange(
  host: RemoteHost,
  config: SlipwayConfig,
  spec: DatabaseSpec | null,
  release: string,
  writers: Writers,
  log: (line: string) => void,
  liveRelease: string | null = null,
  found?: DatabaseFinding,
): Promise<string | null> {
  if (!spec) return null;
  const finding = found ?? (await checkDatabasePresent(host, spec, liveRelease));
  if (finding.state === "first-deploy") {
    log(`no database at ${finding.where} yet (first deploy): nothing to back up`);
    return null;
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
  const copyTo = config.database?.backups.copy_to;
  if (copyTo) {
    const ctx = { host, become: true, step: "backup copy_to", log };
    const copied = await copyToRunner(ctx, config.deploy_dir, manifest, copyTo, config.database?.backups.dir);
    log(`copied backup ${manifest.id} to ${copied}`);
  }
  return manifest.id;
}

/**
 * Stop-first (D79): the backup directory's room checked before the old color stops, so "nothing was changed" holds
 * when it is full. Nothing to check without a database or on a first deploy (no file yet); the backup step itself
 * still checks again (the database may grow meanwhile). `found`: the preflight's finding (the host is asked when absent).
 */
export async function checkBackupRoomBeforeStop(
  host: RemoteHost,
  config: SlipwayConfig,
  spec: DatabaseSpec | null,
  log: (line: string) => void,
  found?: DatabaseFinding,
): Promise<void> {
  if (!spec) return;
  // A server database (no file state) is always there.
  const present = found ? found.state === "present" : (await fileDatabaseState(host, spec))?.exists !== false;
  if (!present) return;
  await checkBackupRoom({ host, deployDir: config.deploy_dir, database: spec, release: "", step: "backup", log });
}
