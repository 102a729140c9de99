/**
 * SQLite: `VACUUM INTO` copies the database inside one read transaction, so writers keep running and the copy is the
 * state at the moment it started (the CLI's `.backup` restarts whenever another connection writes, and may never
 * finish under continuous writes). Then `PRAGMA integrity_check` on the copy.
 */
import {
  copyArgv,
  copyOwnershipArgv,
  moveArgv,
  ownerOnlyArgv,
  removeFilesArgv,
  testArgv,
} from "../../commands/files.js";
import type { BackupRecipe, RestoreRecipe, Step } from "../types.js";

/** An SQL string literal: the only escape SQLite needs is a doubled single quote. */
export function sqlLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export function integrityCheckStep(file: string): Step {
  return {
    argv: ["sqlite3", "-bail", "-readonly", file, "PRAGMA integrity_check;"],
    what: `PRAGMA integrity_check on ${file}`,
    expectStdout: "ok",
  };
}

export function sqliteBackupRecipe(dbPath: string, part: string): BackupRecipe {
  return {
    engine: "sqlite",
    ext: "sqlite3",
    tool: "sqlite3",
    versionArgv: ["sqlite3", "--version"],
    dump: [
      { argv: testArgv("-f", dbPath), what: `the database file ${dbPath} exists` },
      {
        // The busy timeout lets a writer finish its transaction instead of failing the copy.
        argv: ["sqlite3", "-bail", "-cmd", ".timeout 30000", dbPath, `VACUUM INTO ${sqlLiteral(part)};`],
        what: `online copy of ${dbPath} (VACUUM INTO)`,
      },
      { argv: ownerOnlyArgv(part), what: "make the copy readable by its owner only" },
    ],
    verify: [integrityCheckStep(part)],
    needsWritersStopped: false,
  };
}

/** Replace a database file with a backup: copy next to it, keep its owner and mode, drop stale WAL files, rename. */
export function fileSwapSteps(backup: string, dbPath: string, sidecars: readonly string[]): Step[] {
  const incoming = `${dbPath}.slipway-restore`;
  return [
    { argv: copyArgv(backup, incoming), what: `copy ${backup} next to ${dbPath}` },
    {
      argv: copyOwnershipArgv(dbPath, incoming),
      what: `give the restored file the owner and mode of ${dbPath}`,
    },
    { argv: removeFilesArgv(sidecars.map((suffix) => `${dbPath}${suffix}`)), what: "remove stale WAL files" },
    { argv: moveArgv(incoming, dbPath), what: `put the restored file in place of ${dbPath}` },
  ];
}

export function sqliteRestoreRecipe(dbPath: string, backup: string): RestoreRecipe {
  return {
    engine: "sqlite",
    restore: [integrityCheckStep(backup), ...fileSwapSteps(backup, dbPath, ["-wal", "-shm", "-journal"])],
    verify: [integrityCheckStep(dbPath)],
  };
}
