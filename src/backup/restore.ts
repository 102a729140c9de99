/**
 * Restores a backup: checks its checksum, stops the writers, backs up the current state first (nothing is lost),
 * restores, verifies, and starts the writers again whatever happened (the app comes back either way).
 */
import { randomBytes } from "node:crypto";
import path from "node:path/posix";
import { restoreRecipe } from "./adapters/index.js";
import {
  type BackupJob,
  createBackup,
  execContext,
  jobBackupDir,
  runWriters,
  stopWriters,
  withSecret,
} from "./create.js";
import { BackupError } from "./errors.js";
import { runSteps } from "./exec.js";
import { resolveLocation } from "./resolve.js";
import { fileSizeAndSha, findBackup } from "./store.js";
import type { BackupManifest } from "./types.js";

export interface RestoreResult {
  restored: BackupManifest;
  /** The backup of the state just before the restore. */
  preRestore: BackupManifest;
}

/**
 * `onPreRestore` hears of the pre-restore backup as soon as it is taken, so a caller whose restore then fails can
 * still put that state back (a rollback's undo).
 */
export async function restoreBackup(
  job: BackupJob & { id: string },
  onPreRestore?: (taken: BackupManifest) => void,
): Promise<RestoreResult> {
  const ctx = execContext(job);
  const dir = jobBackupDir(job);
  const restored = await findBackup(ctx, job.deployDir, job.id, job.database.backupsDir);
  if (restored.database.engine !== job.database.engine) {
    throw new BackupError(
      `backup ${job.id} is a ${restored.database.engine} backup, the database is ${job.database.engine}`,
      {
        host: ctx.host.name,
        step: ctx.step,
        hint: "pick a backup of this database (slipway backup list)",
      },
    );
  }
  const file = path.join(dir, restored.file);
  const actual = await fileSizeAndSha(ctx, file);
  if (actual.sha256 !== restored.sha256) {
    throw new BackupError(`${file} does not match its manifest's sha256`, {
      host: ctx.host.name,
      step: ctx.step,
      hint: "the file was changed or damaged since it was taken; pick another backup. Nothing was changed",
    });
  }
  const resolved = await resolveLocation(ctx, job.database);
  const recipe = restoreRecipe(job.database, resolved, file, randomBytes(6).toString("hex"));
  const writers = job.writers;
  if (writers) await stopWriters(ctx, writers, "stop the app's writers");
  let preRestore: BackupManifest | undefined;
  try {
    preRestore = await createBackup({ ...job, reason: "pre-restore" }, { writersStopped: true });
    const taken = preRestore;
    onPreRestore?.(taken);
    await withSecret(ctx, recipe.secret, async () => {
      await runSteps(
        ctx,
        recipe.restore,
        `the state before the restore is kept as backup ${taken.id}; restore it with slipway backup restore ${taken.id}`,
      );
      await runSteps(
        ctx,
        recipe.verify,
        `the restored database failed verification; the state before is backup ${taken.id}`,
      );
    });
  } finally {
    if (writers) await runWriters(ctx, writers.start, "start the app's writers again");
  }
  return { restored, preRestore };
}
