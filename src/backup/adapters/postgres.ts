/**
 * Postgres: `pg_dump -Fc` (compressed, restorable table by table), verified with `pg_restore --list` and optionally by
 * restoring into a scratch database and comparing row counts. The password reaches libpq only through a 0600
 * PGPASSFILE; `--no-password` makes a missing or wrong one fail instead of waiting for a prompt.
 */
import { type ResolvedServer, toolPrefix } from "../location.js";
import { fromFileScript, removeFileArgv, toFileScript, writeSecretArgv } from "../shell.js";
import type { BackupRecipe, PostgresSpec, RestoreRecipe, SecretFile, Step } from "../types.js";

/** A .pgpass line matching any host, port, database and user; `:` and `\` are escaped as libpq expects. */
export function pgpassLine(password: string): string {
  return `*:*:*:*:${password.replace(/[\\:]/g, (c) => `\\${c}`)}\n`;
}

export function postgresSecret(spec: PostgresSpec, where: ResolvedServer, token: string): SecretFile | undefined {
  if (spec.password === undefined) return undefined;
  const path = `/tmp/slipway-pgpass-${token}`;
  const prefix = toolPrefix(where);
  return {
    path,
    content: pgpassLine(spec.password),
    writeArgv: writeSecretArgv(prefix, path),
    removeArgv: removeFileArgv(prefix, path),
  };
}

function connArgs(spec: PostgresSpec, where: ResolvedServer): string[] {
  const args = ["--no-password"];
  if (where.kind === "server" && where.host) args.push("-h", where.host);
  if (where.kind === "server" && where.port) args.push("-p", String(where.port));
  if (spec.user) args.push("-U", spec.user);
  return args;
}

function prefixFor(where: ResolvedServer, secret: SecretFile | undefined): string[] {
  return toolPrefix(where, secret ? { PGPASSFILE: secret.path } : {});
}

/** One line per table, `schema.table=count`, in one query (query_to_xml runs the count for each table). */
export const ROW_COUNTS_SQL = [
  "SELECT format('%I.%I', table_schema, table_name) || '=' ||",
  "(xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text",
  "FROM information_schema.tables",
  "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')",
  "ORDER BY 1",
].join(" ");

export function psqlArgv(
  spec: PostgresSpec,
  where: ResolvedServer,
  secret: SecretFile | undefined,
  database: string,
  sql: string,
): string[] {
  return [
    ...prefixFor(where, secret),
    "psql",
    "-X",
    "-A",
    "-t",
    "-v",
    "ON_ERROR_STOP=1",
    ...connArgs(spec, where),
    "-d",
    database,
    "-c",
    sql,
  ];
}

export function postgresBackupRecipe(
  spec: PostgresSpec,
  where: ResolvedServer,
  part: string,
  token: string,
): BackupRecipe {
  const secret = postgresSecret(spec, where, token);
  const prefix = prefixFor(where, secret);
  return {
    engine: "postgres",
    ext: "dump",
    tool: "pg_dump",
    versionArgv: [...toolPrefix(where), "pg_dump", "--version"],
    otherTools: ["pg_restore", "psql"].map((tool) => ({
      tool,
      versionArgv: [...toolPrefix(where), tool, "--version"],
    })),
    secret,
    dump: [
      {
        argv: toFileScript([...prefix, "pg_dump", "-Fc", ...connArgs(spec, where), "-d", spec.database], part),
        what: `pg_dump -Fc of ${spec.database}`,
      },
    ],
    verify: [
      {
        argv: fromFileScript([...toolPrefix(where), "pg_restore", "--list"], part),
        what: "pg_restore --list reads the dump",
      },
    ],
    needsWritersStopped: false,
    size: {
      argv: psqlArgv(spec, where, secret, spec.database, "SELECT pg_database_size(current_database())"),
      what: `size of the database ${spec.database}`,
      expectStdout: /^\d+$/,
    },
  };
}

export interface ScratchVerify {
  scratch: string;
  create: Step;
  restore: Step;
  countSource: Step;
  countScratch: Step;
  drop: Step;
}

export function postgresScratchVerify(
  spec: PostgresSpec,
  where: ResolvedServer,
  part: string,
  token: string,
): ScratchVerify {
  const secret = postgresSecret(spec, where, token);
  const prefix = prefixFor(where, secret);
  const scratch = `slipway_verify_${token}`;
  const conn = connArgs(spec, where);
  return {
    scratch,
    create: { argv: [...prefix, "createdb", ...conn, scratch], what: `create the scratch database ${scratch}` },
    restore: {
      argv: fromFileScript(
        [...prefix, "pg_restore", "--no-owner", "--no-acl", "--exit-on-error", ...conn, "-d", scratch],
        part,
      ),
      what: `restore the dump into ${scratch}`,
    },
    countSource: {
      argv: psqlArgv(spec, where, secret, spec.database, ROW_COUNTS_SQL),
      what: `row counts in ${spec.database}`,
    },
    countScratch: { argv: psqlArgv(spec, where, secret, scratch, ROW_COUNTS_SQL), what: `row counts in ${scratch}` },
    drop: {
      argv: [...prefix, "dropdb", "--if-exists", ...conn, scratch],
      what: `drop the scratch database ${scratch}`,
    },
  };
}

/** `schema.table=count` lines into a map. */
export function parseRowCounts(stdout: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of stdout.split("\n")) {
    const at = line.lastIndexOf("=");
    if (at > 0) counts.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return counts;
}

/** Tables whose counts differ, as readable lines (empty when the scratch copy matches). */
export function compareRowCounts(source: Map<string, number>, copy: Map<string, number>): string[] {
  const names = [...new Set([...source.keys(), ...copy.keys()])].sort();
  return names
    .filter((name) => source.get(name) !== copy.get(name))
    .map(
      (name) =>
        `${name}: ${source.get(name) ?? "missing"} in the database, ${copy.get(name) ?? "missing"} in the restored copy`,
    );
}

/** Restore over the live database: drop what the dump holds and recreate it, in one transaction. */
export function postgresRestoreRecipe(
  spec: PostgresSpec,
  where: ResolvedServer,
  backup: string,
  token: string,
): RestoreRecipe {
  const secret = postgresSecret(spec, where, token);
  const prefix = prefixFor(where, secret);
  return {
    engine: "postgres",
    secret,
    restore: [
      {
        argv: fromFileScript(
          [
            ...prefix,
            "pg_restore",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            ...connArgs(spec, where),
            "-d",
            spec.database,
          ],
          backup,
        ),
        what: `pg_restore --clean into ${spec.database}`,
      },
    ],
    verify: [
      {
        argv: psqlArgv(spec, where, secret, spec.database, "SELECT 1"),
        what: `${spec.database} answers`,
        expectStdout: "1",
      },
    ],
  };
}
