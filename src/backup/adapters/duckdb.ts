/**
 * DuckDB has one writer: a copy of the file is consistent only while the app is stopped (`stop-first`), or when the
 * app writes the export itself. With stop-first the copy is a plain file copy checked byte for byte with `cmp` while
 * the app is still stopped; no duckdb binary is needed on the host.
 */
import { copyVersionArgv, noWalArgv, privateCopyArgv, sameContentArgv, testArgv } from "../../commands/files.js";
import type { BackupRecipe, DuckdbSpec, RestoreRecipe } from "../types.js";
import { fileSwapSteps } from "./sqlite.js";

export function fillPlaceholder(argv: readonly string[], token: string, value: string): string[] {
  return argv.map((arg) => arg.replaceAll(token, value));
}

export function duckdbBackupRecipe(spec: DuckdbSpec, dbPath: string, part: string): BackupRecipe {
  if (spec.safety.mode === "export") {
    return {
      engine: "duckdb",
      ext: "export",
      tool: spec.safety.export[0] ?? "export",
      versionArgv: ["true"],
      dump: [{ argv: fillPlaceholder(spec.safety.export, "{out}", part), what: "the app's own export" }],
      verify: [{ argv: testArgv("-s", part), what: "the export is not empty" }],
      needsWritersStopped: false,
    };
  }
  return {
    engine: "duckdb",
    ext: "duckdb",
    tool: "cp",
    versionArgv: copyVersionArgv(),
    dump: [
      { argv: testArgv("-f", dbPath), what: `the database file ${dbPath} exists` },
      {
        argv: noWalArgv(dbPath),
        what: "no DuckDB WAL left behind (the app checkpointed on shutdown)",
      },
      {
        argv: privateCopyArgv(dbPath, part),
        what: `copy ${dbPath} while the app is stopped`,
      },
    ],
    verify: [{ argv: sameContentArgv(dbPath, part), what: "the copy equals the stopped database byte for byte" }],
    needsWritersStopped: true,
  };
}

export function duckdbRestoreRecipe(spec: DuckdbSpec, dbPath: string, backup: string): RestoreRecipe {
  if (spec.safety.mode === "export") {
    if (!spec.safety.import)
      throw new Error("a DuckDB export can only be restored with an `import` command (use {in} for the file)");
    return {
      engine: "duckdb",
      restore: [{ argv: fillPlaceholder(spec.safety.import, "{in}", backup), what: "the app's own import" }],
      verify: [],
    };
  }
  return {
    engine: "duckdb",
    restore: fileSwapSteps(backup, dbPath, [".wal"]),
    verify: [{ argv: sameContentArgv(backup, dbPath), what: "the database equals the backup byte for byte" }],
  };
}
