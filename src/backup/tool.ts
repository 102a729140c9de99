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
  pg_restore: "postgresql-client",
  psql: "postgresql-client",
  mysqldump: "default-mysql-client (or mariadb-client)",
  mysql: "default-mysql-client (or mariadb-client)",
  mongodump: "mongodb-database-tools (MongoDB's repository; Debian has no package)",
  mongorestore: "mongodb-database-tools (MongoDB's repository; Debian has no package)",
  duckdb: "the duckdb CLI (github.com/duckdb/duckdb/releases)",
};

/** "a", "a and b", "a, b and c". */
function listed(names: readonly string[]): string {
  return names.length < 2 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/**
 * Runs `--version` of the dump tool and of every other client program the backup's verify and a restore use
 * (mongorestore, pg_restore and psql, mysql), where they would run; returns the dump tool's first line. Throws
 * BackupError naming every missing program, the place and what to install (or when the location cannot be resolved,
 * e.g. no container).
 */
export async function checkBackupTool(ctx: ExecContext, spec: DatabaseSpec): Promise<string> {
  const resolved: Resolved = await resolveLocation(ctx, spec);
  const recipe = backupRecipe(spec, resolved, "/dev/null", "toolcheck");
  const tools = [{ tool: recipe.tool, versionArgv: recipe.versionArgv }, ...(recipe.otherTools ?? [])];
  const results = await Promise.all(
    tools.map((t) => ctx.host.exec(t.versionArgv, { become: ctx.become, check: false, step: ctx.step })),
  );
  const missing = tools.filter((_, i) => results[i]?.code !== 0);
  const first = results[0];
  if (missing.length === 0) return first?.stdout.trim().split("\n")[0] ?? "";
  const file = spec.engine === "sqlite" || spec.engine === "duckdb";
  const where = file ? "on the host" : `for ${describeServerLocation(spec.location)}`;
  const names = missing.map((t) => t.tool);
  const packages = [...new Set(names.map((tool) => PACKAGE[tool] ?? tool))].join(" and ");
  const inImage = resolved.kind === "server" && resolved.where.kind === "container";
  const failed = results[tools.indexOf(missing[0] as (typeof tools)[number])];
  const cannot = names.includes(recipe.tool)
    ? `the backup${ctx.step === "preflight" ? " before the deploy" : ""} cannot run`
    : "the backup's check and a restore cannot run";
  throw new BackupError(`${listed(names)} ${names.length > 1 ? "are" : "is"} not installed ${where}: ${cannot}`, {
    host: ctx.host.name,
    step: ctx.step,
    command: missing.map((t) => t.versionArgv.join(" ")).join("; "),
    exitCode: failed?.code ?? null,
    hint: `install ${packages} ${inImage ? "in the database's image" : "on the host"}, or remove \`database\` from slipway.yml to deploy without backups${file ? ` (database at ${describeFileLocation(spec.location)})` : ""}`,
  });
}
