/**
 * The backup data model: which database, where it lives, and the pure "recipe" an adapter builds for it. Recipes
 * are argv arrays and stdin text only; src/backup/run.ts is the one place that executes them on a RemoteHost.
 */

/** A database file on the host itself, or inside a named docker volume (resolved to its mountpoint at run time). */
export type FileLocation = { kind: "file"; path: string } | { kind: "volume"; volume: string; path: string };

/**
 * A database server: inside a container (`docker exec`, by container name or compose project + service), or a server
 * the host reaches (local socket when `host` is absent; `runAs` runs the client as that OS user, e.g. `postgres` for
 * Debian's peer authentication).
 */
export type ServerLocation =
  | { kind: "service"; container: string; runAs?: string }
  | { kind: "service"; compose: { project?: string; service: string }; runAs?: string }
  | { kind: "server"; host?: string; port?: number; runAs?: string };

/** Where a database's backups are kept on the host (`database.backups.dir`); default `<deploy dir>/backups`. */
interface BackupStorage {
  backupsDir?: string;
}

/** Commands that stop and start the processes writing to the database (systemd units, containers...). */
export interface Writers {
  stop: string[][];
  start: string[][];
}

export interface SqliteSpec extends BackupStorage {
  engine: "sqlite";
  location: FileLocation;
}

/**
 * DuckDB allows one writer only, so a copy is safe only while the app is stopped (`stop-first`) or through an export
 * the app itself exposes: `export` is an argv in which the token `{out}` is replaced by the file to write.
 */
export interface DuckdbSpec extends BackupStorage {
  engine: "duckdb";
  location: FileLocation;
  safety: { mode: "stop-first" } | { mode: "export"; export: string[]; import?: string[] };
}

export interface PostgresSpec extends BackupStorage {
  engine: "postgres";
  location: ServerLocation;
  database: string;
  user?: string;
  /** Already resolved from the environment; reaches the host only in a 0600 PGPASSFILE. */
  password?: string;
  /** Also restore the dump into a scratch database and compare row counts table by table. */
  verifyRestore?: boolean;
}

export interface MysqlSpec extends BackupStorage {
  engine: "mysql";
  location: ServerLocation;
  database: string;
  user?: string;
  password?: string;
}

export interface MongodbSpec extends BackupStorage {
  engine: "mongodb";
  location: ServerLocation;
  /** Full connection string; may hold the password, so it is passed in a 0600 `--config` file, never argv. */
  uri?: string;
  database?: string;
  password?: string;
}

export type DatabaseSpec = SqliteSpec | DuckdbSpec | PostgresSpec | MysqlSpec | MongodbSpec;
export type Engine = DatabaseSpec["engine"];

/** One command of a recipe. Runs on the host (already wrapped in `docker exec`/`sudo -u` as the location needs). */
export interface Step {
  argv: string[];
  stdin?: string;
  /** What the step does, for plans and error messages. */
  what: string;
  /** stdout (trimmed) must equal this string (or match this pattern), else the step fails. */
  expectStdout?: string | RegExp;
}

/** A credential file written 0600 before the recipe runs and removed after it, whatever happened. */
export interface SecretFile {
  path: string;
  content: string;
  /** Runs `sh -c` where the tool runs (same wrapper as the tool), with `content` on stdin. */
  writeArgv: string[];
  removeArgv: string[];
}

export interface BackupRecipe {
  engine: Engine;
  /** File extension of the backup (without the leading dot). */
  ext: string;
  tool: string;
  versionArgv: string[];
  /**
   * The other client programs the verify, the size query and a restore run (mongorestore, pg_restore and psql,
   * mysql), each with its `--version` argv run where they would run: checked with `tool` before anything changes.
   */
  otherTools?: { tool: string; versionArgv: string[] }[];
  secret?: SecretFile;
  /** Writes the backup to `part` (the caller renames it once verified). */
  dump: Step[];
  /** Each must exit 0 (and match expectStdout when set) for the backup to count. */
  verify: Step[];
  /** The app must be stopped around `dump` (DuckDB under stop-first). */
  needsWritersStopped: boolean;
  /**
   * A server database's size in bytes (stdout: one integer), the free-space reference when there is no earlier backup
   * (a file database uses the file's size instead). Runs inside the recipe's secret, like the dump.
   */
  size?: Step;
}

export interface RestoreRecipe {
  engine: Engine;
  secret?: SecretFile;
  restore: Step[];
  verify: Step[];
}

export type BackupReason = "deploy" | "manual" | "pre-restore";

export interface BackupManifest {
  /** `<release>-<UTC time>`, also the file name stem. */
  id: string;
  file: string;
  release: string;
  createdAt: string;
  reason: BackupReason;
  database: { engine: Engine; name: string; location: string };
  tool: { name: string; version: string };
  sizeBytes: number;
  sha256: string;
  durationMs: number;
  verified: string[];
}
