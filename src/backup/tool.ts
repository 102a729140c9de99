/**
 * Whether the dump tool a backup needs (sqlite3, pg_dump, mysqldump, mongodump, duckdb) runs where the dump would run:
 * on the host, as the database's user, or inside the database's container. The plan and the deploy's preflight ask
 * this first, so a missing tool is reported before anything changes instead of failing the backup half-way.
 */
import { backupRecipe, type Resolved } from "./adapters/index.js";
import { BackupError } from "./errors.js";
import type { ExecContext } from "./exec.js";
import { describeFileLocation, describeServerLocation } from "./location.js";
import { resolveLocation } from "./resolve.js";
import type { DatabaseSpec } from "./types.js";

/** Debian package (or where to get it) per tool, for the hint. */
const PACKAGE: Record<string, string> = {
  sqlite3: "sqlite3",
  pg_dump: "postgresql-client",
  mysqldump: "default-mysql-client (or mariadb-client)",
  mongodump: "mongodb-database-tools (MongoDB's repository; Debian has no package)",
  duckdb: "the duckdb CLI (github.com/duckdb/duckdb/releases)",
};

/**
 * Runs the tool's `--version` where the dump would run; returns its first line. Throws BackupError naming the tool,
 * the place and what to install when it is missing (or the location cannot be resolved, e.g. no container).
 */
export async function checkBackupTool(ctx: ExecContext, spec: DatabaseSpec): Promise<string> {
  const resolved: Resolved = await resolveLocation(ctx, spec);
  const recipe = backupRecipe(spec, resolved, "/dev/null", "toolcheck");
  const result = await ctx.host.exec(recipe.versionArgv, { become: ctx.become, check: false, step: ctx.step });
  if (result.code === 0) return result.stdout.trim().split("\n")[0] ?? "";
  const where =
    spec.engine === "sqlite" || spec.engine === "duckdb"
      ? "on the host"
      : `for ${describeServerLocation(spec.location)}`;
  throw new BackupError(`${recipe.tool} is not installed ${where}: the backup before the deploy cannot run`, {
    host: ctx.host.name,
    step: ctx.step,
    command: recipe.versionArgv.join(" "),
    exitCode: result.code,
    hint: `install ${PACKAGE[recipe.tool] ?? recipe.tool} ${resolved.kind === "server" && resolved.where.kind === "container" ? "in the database's image" : "on the host"}, or remove \`database\` from slipway.yml to deploy without backups${spec.engine === "sqlite" || spec.engine === "duckdb" ? ` (database at ${describeFileLocation(spec.location)})` : ""}`,
  });
}
