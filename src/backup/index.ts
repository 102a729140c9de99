/** The backup feature's public surface: create, list, prune, restore, copy to the runner, and plan text. */
export { backupRecipe, restoreRecipe } from "./adapters/index.js";
export { type BackupJob, type CreateOptions, createBackup, execContext, jobBackupDir } from "./create.js";
export { BackupError } from "./errors.js";
export { backupDir } from "./naming.js";
export { planLines } from "./plan.js";
export { type RestoreResult, restoreBackup } from "./restore.js";
export { DEFAULT_KEEP, selectForPruning } from "./retention.js";
export { copyToRunner, findBackup, listBackups, pruneBackups } from "./store.js";
export type * from "./types.js";
export { composeWriters, containerWriters, systemdWriters } from "./writers.js";
