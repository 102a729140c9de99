/** Picks the adapter for a database spec. File databases get their resolved path, servers their resolved location. */
import type { ResolvedServer } from "../location.js";
import type { BackupRecipe, DatabaseSpec, RestoreRecipe } from "../types.js";
import { duckdbBackupRecipe, duckdbRestoreRecipe } from "./duckdb.js";
import { mongoBackupRecipe, mongoRestoreRecipe } from "./mongodb.js";
import { mysqlBackupRecipe, mysqlRestoreRecipe } from "./mysql.js";
import { postgresBackupRecipe, postgresRestoreRecipe } from "./postgres.js";
import { sqliteBackupRecipe, sqliteRestoreRecipe } from "./sqlite.js";

/** A file database's path on the host, or a server database's resolved location. */
export type Resolved = { kind: "path"; path: string } | { kind: "server"; where: ResolvedServer };

function pathOf(resolved: Resolved): string {
  if (resolved.kind !== "path") throw new Error("a file database needs a file location");
  return resolved.path;
}

function serverOf(resolved: Resolved): ResolvedServer {
  if (resolved.kind !== "server") throw new Error("a database server needs a service or server location");
  return resolved.where;
}

export function backupRecipe(spec: DatabaseSpec, resolved: Resolved, part: string, token: string): BackupRecipe {
  switch (spec.engine) {
    case "sqlite":
      return sqliteBackupRecipe(pathOf(resolved), part);
    case "duckdb":
      return duckdbBackupRecipe(spec, pathOf(resolved), part);
    case "postgres":
      return postgresBackupRecipe(spec, serverOf(resolved), part, token);
    case "mysql":
      return mysqlBackupRecipe(spec, serverOf(resolved), part, token);
    case "mongodb":
      return mongoBackupRecipe(spec, serverOf(resolved), part, token);
  }
}

export function restoreRecipe(spec: DatabaseSpec, resolved: Resolved, backup: string, token: string): RestoreRecipe {
  switch (spec.engine) {
    case "sqlite":
      return sqliteRestoreRecipe(pathOf(resolved), backup);
    case "duckdb":
      return duckdbRestoreRecipe(spec, pathOf(resolved), backup);
    case "postgres":
      return postgresRestoreRecipe(spec, serverOf(resolved), backup, token);
    case "mysql":
      return mysqlRestoreRecipe(spec, serverOf(resolved), backup, token);
    case "mongodb":
      return mongoRestoreRecipe(spec, serverOf(resolved), backup, token);
  }
}

/** SQLite and DuckDB are files on the host; the others are servers. */
export function isFileEngine(spec: DatabaseSpec): boolean {
  return spec.engine === "sqlite" || spec.engine === "duckdb";
}
