/**
 * MySQL/MariaDB: `mysqldump --single-transaction --quick` (a consistent InnoDB snapshot streamed row by row) piped
 * through gzip. The password is in a 0600 `--defaults-extra-file` (it must be the first option). The dump is checked
 * with `gzip -t` and by its last line, which mysqldump writes only when it finished.
 */
import { type ResolvedServer, toolPrefix } from "../location.js";
import { pipeScript, removeFileArgv, writeSecretArgv } from "../shell.js";
import type { BackupRecipe, MysqlSpec, RestoreRecipe, SecretFile } from "../types.js";

/** An option-file value in double quotes: backslash and double quote are escaped, newlines cannot appear. */
export function optionFileValue(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error("a MySQL password cannot contain a line break");
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function mysqlSecret(spec: MysqlSpec, where: ResolvedServer, token: string): SecretFile | undefined {
  if (spec.password === undefined) return undefined;
  const path = `/tmp/slipway-my-${token}.cnf`;
  const prefix = toolPrefix(where);
  return {
    path,
    content: `[client]\npassword=${optionFileValue(spec.password)}\n`,
    writeArgv: writeSecretArgv(prefix, path),
    removeArgv: removeFileArgv(prefix, path),
  };
}

function clientArgs(spec: MysqlSpec, where: ResolvedServer, secret: SecretFile | undefined): string[] {
  const args = secret ? [`--defaults-extra-file=${secret.path}`] : [];
  if (where.kind === "server" && where.host) args.push("-h", where.host);
  if (where.kind === "server" && where.port) args.push("-P", String(where.port));
  if (spec.user) args.push("-u", spec.user);
  return args;
}

export const MYSQLDUMP_OPTIONS = [
  "--single-transaction",
  "--quick",
  "--routines",
  "--triggers",
  "--hex-blob",
  // MySQL 8.0.21+ needs the PROCESS privilege to dump tablespaces; an app user rarely has it and never needs them.
  "--no-tablespaces",
];

export function mysqlBackupRecipe(spec: MysqlSpec, where: ResolvedServer, part: string, token: string): BackupRecipe {
  const secret = mysqlSecret(spec, where, token);
  const prefix = toolPrefix(where);
  return {
    engine: "mysql",
    ext: "sql.gz",
    tool: "mysqldump",
    versionArgv: [...prefix, "mysqldump", "--version"],
    otherTools: [{ tool: "mysql", versionArgv: [...prefix, "mysql", "--version"] }],
    secret,
    dump: [
      {
        argv: pipeScript(
          [...prefix, "mysqldump", ...clientArgs(spec, where, secret), ...MYSQLDUMP_OPTIONS, spec.database],
          ["gzip", "-c"],
          { output: part, statusFile: `${part}.status` },
        ),
        what: `mysqldump --single-transaction --quick ${spec.database} | gzip`,
      },
    ],
    verify: [
      { argv: ["gzip", "-t", part], what: "gzip -t: the archive is complete" },
      {
        argv: pipeScript(["gzip", "-dc"], ["tail", "-n", "1"], { input: part, statusFile: `${part}.tail-status` }),
        what: "the dump ends with mysqldump's completion line",
        expectStdout: /^-- Dump completed/,
      },
    ],
    needsWritersStopped: false,
    size: {
      argv: [...prefix, "mysql", ...clientArgs(spec, where, secret), "-N", "-B", "-e", MYSQL_SIZE_SQL, spec.database],
      what: `size of the database ${spec.database}`,
      expectStdout: /^\d+$/,
    },
  };
}

/** Data plus indexes of the dumped schema (the uncompressed dump is about that size; gzip only makes it smaller). */
export const MYSQL_SIZE_SQL =
  "SELECT CAST(COALESCE(SUM(data_length + index_length), 0) AS UNSIGNED) FROM information_schema.tables WHERE table_schema = DATABASE()";

export function mysqlRestoreRecipe(
  spec: MysqlSpec,
  where: ResolvedServer,
  backup: string,
  token: string,
): RestoreRecipe {
  const secret = mysqlSecret(spec, where, token);
  const prefix = toolPrefix(where);
  const client = [...prefix, "mysql", ...clientArgs(spec, where, secret)];
  return {
    engine: "mysql",
    secret,
    restore: [
      {
        argv: pipeScript(["gzip", "-dc"], [...client, spec.database], {
          input: backup,
          statusFile: `${backup}.restore-status`,
        }),
        what: `gunzip | mysql ${spec.database}`,
      },
    ],
    verify: [
      {
        argv: [...client, "-N", "-B", "-e", "SELECT 1", spec.database],
        what: `${spec.database} answers`,
        expectStdout: "1",
      },
    ],
  };
}
