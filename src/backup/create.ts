/**
 * Takes one backup: checks the directory is writable and has room, dumps to `<file>.part`, verifies, renames, and
 * records the manifest. Any failure removes the partial file and throws a BackupError: the deploy stops there.
 */
import { randomBytes } from "node:crypto";
import path from "node:path/posix";
import { fileSizeArgv, moveArgv, removeFilesArgv, writableDirArgv } from "../commands/files.js";
import type { RemoteHost } from "../remote/types.js";
import { backupRecipe } from "./adapters/index.js";
import { compareRowCounts, parseRowCounts, postgresScratchVerify } from "./adapters/postgres.js";
import { BackupError } from "./errors.js";
import { capture, type ExecContext, runStep, runSteps, tryRun } from "./exec.js";
import { describeFileLocation, describeServerLocation } from "./location.js";
import { backupDir, backupId } from "./naming.js";
import { resolveLocation } from "./resolve.js";
import { checkFreeSpace, dfArgv, parseDfAvailableBytes, saysDiskFull } from "./space.js";
import { fileSizeAndSha, listBackups, writeManifest } from "./store.js";
import type { BackupManifest, BackupReason, DatabaseSpec, SecretFile, Writers } from "./types.js";

export interface BackupJob {
  host: RemoteHost;
  deployDir: string;
  database: DatabaseSpec;
  /** The release the backup is recorded against (the one being deployed, or the live one for a manual backup). */
  release: string;
  reason?: BackupReason;
  /** Run through sudo. Defaults to true for a database in a docker volume (its files belong to root). */
  become?: boolean;
  /** How to stop and start the app, for DuckDB under stop-first and for restores. */
  writers?: Writers;
  step?: string;
  now?: () => Date;
  log?: (line: string) => void;
}

/** The job's backup directory: the database's `backupsDir` (config `database.backups.dir`) or `<deploy dir>/backups`. */
export function jobBackupDir(job: Pick<BackupJob, "deployDir" | "database">): string {
  return backupDir(job.deployDir, job.database.backupsDir);
}

/**
 * File databases (SQLite, DuckDB) are read as root: on the host they belong to the app's own user (mode 0640 under
 * the unit's UMask), whom the SSH user is not, and in a volume they belong to the container's user.
 */
export function execContext(job: BackupJob): ExecContext {
  const file = job.database.engine === "sqlite" || job.database.engine === "duckdb";
  return { host: job.host, become: job.become ?? file, step: job.step ?? "backup", log: job.log };
}

function databaseName(spec: DatabaseSpec): string {
  if (spec.engine === "sqlite" || spec.engine === "duckdb") return path.basename(spec.location.path);
  return spec.database ?? "all databases";
}

function locationText(spec: DatabaseSpec): string {
  return spec.engine === "sqlite" || spec.engine === "duckdb"
    ? describeFileLocation(spec.location)
    : describeServerLocation(spec.location);
}

/** Fails when the directory cannot be created or written, before any dump starts. */
async function checkWritable(ctx: ExecContext, dir: string): Promise<void> {
  const argv = writableDirArgv(dir);
  await runStep(
    ctx,
    { argv, what: `check that the backup directory ${dir} is writable` },
    // File databases are backed up as root (they belong to the app's user): then only a read-only or full disk stops it.
    `make ${dir} writable${ctx.become ? "" : " by the deploy user"} (or free the disk) and deploy again; nothing was changed`,
  );
}

/** What to do when the backup directory has no room. */
function roomHint(dir: string): string {
  return `free space in ${dir} (slipway backup prune, or a bigger disk) or point database.backups.dir at a disk with room, then deploy again`;
}

async function checkSpace(ctx: ExecContext, dir: string, reference: number | undefined, what: string): Promise<void> {
  const available = parseDfAvailableBytes(await capture(ctx, dfArgv(dir), `free space in ${dir}`));
  if (available === undefined) return;
  const verdict = checkFreeSpace(available, reference, dir, what);
  ctx.log?.(verdict.message);
  if (!verdict.ok) {
    throw new BackupError(`not enough free space for a backup: ${verdict.message}`, {
      host: ctx.host.name,
      step: ctx.step,
      hint: `${roomHint(dir)}; nothing was changed`,
    });
  }
}

/** Size of a file database, as the space reference when there is no earlier backup. */
async function fileSize(ctx: ExecContext, file: string): Promise<number | undefined> {
  const result = await ctx.host.exec(fileSizeArgv(file), { become: ctx.become, check: false, step: ctx.step });
  return result.code === 0 ? Number(result.stdout.trim()) : undefined;
}

export async function withSecret<T>(
  ctx: ExecContext,
  secret: SecretFile | undefined,
  body: () => Promise<T>,
): Promise<T> {
  if (!secret) return body();
  try {
    await runStep(ctx, {
      argv: secret.writeArgv,
      stdin: secret.content,
      what: `write a 0600 credentials file ${secret.path}`,
    });
    return await body();
  } finally {
    await tryRun(ctx, secret.removeArgv);
  }
}

/** Stopping and starting services (systemctl, docker) needs root, whatever the backup itself runs as. */
export async function runWriters(ctx: ExecContext, commands: readonly string[][], what: string): Promise<void> {
  const asRoot = { ...ctx, become: true };
  for (const argv of commands) {
    await runStep(asRoot, { argv, what }, "check the app's service on the host; it may need starting by hand");
  }
}

/**
 * Stops the writers. When a stop fails, those stopped before it are started again (best effort) and the error says
 * what really happened: the app still runs and nothing was copied or restored.
 */
export async function stopWriters(ctx: ExecContext, writers: Writers, what: string): Promise<void> {
  const asRoot = { ...ctx, become: true };
  for (const [i, argv] of writers.stop.entries()) {
    const already = i === 0 ? "nothing was stopped" : "the writers stopped before it were started again";
    try {
      await runStep(
        asRoot,
        { argv, what },
        `${already}, so the app keeps running and nothing was backed up or restored; fix the cause shown above and run the command again`,
      );
    } catch (error) {
      if (i > 0) for (const start of writers.start) await tryRun(asRoot, start);
      throw error;
    }
  }
}

/**
 * The backup directory writable and with room for the next backup, without dumping anything: a stop-first deploy
 * runs it before the old color stops (D79), so a full disk refuses the deploy while users are still served. Throws
 * the BackupError createBackup would (step `job.step`, "nothing was changed"). A database server without an earlier
 * backup is sized with its credentials, inside createBackup only.
 */
export async function checkBackupRoom(job: BackupJob): Promise<void> {
  await backupRoom(execContext(job), job);
}

async function backupRoom(
  ctx: ExecContext,
  job: BackupJob,
): Promise<{ resolved: Awaited<ReturnType<typeof resolveLocation>>; previous: BackupManifest | undefined }> {
  const spec = job.database;
  const dir = jobBackupDir(job);
  await checkWritable(ctx, dir);
  const resolved = await resolveLocation(ctx, spec);
  const previous = (await listBackups(ctx, job.deployDir, spec.backupsDir))[0];
  // Twice the last backup's size; for the first backup twice the database file's size, or (a server) the size the
  // server reports, queried in createBackup with the recipe's credentials.
  const reference = previous?.sizeBytes ?? (resolved.kind === "path" ? await fileSize(ctx, resolved.path) : undefined);
  if (previous || resolved.kind === "path") {
    await checkSpace(ctx, dir, reference, previous ? "the last backup's size" : "the database file's size");
  }
  return { resolved, previous };
}

export interface CreateOptions {
  /** The caller already stopped the writers (a restore, or a stop-first deploy): do not stop/start them here. */
  writersStopped?: boolean;
}

export async function createBackup(job: BackupJob, options: CreateOptions = {}): Promise<BackupManifest> {
  const ctx = execContext(job);
  const spec = job.database;
  const started = Date.now();
  const dir = jobBackupDir(job);
  const { resolved, previous } = await backupRoom(ctx, job);

  const takenAt = (job.now ?? (() => new Date()))();
  const id = backupId(job.release, takenAt);
  const token = randomBytes(6).toString("hex");
  const probe = backupRecipe(spec, resolved, "", token);
  const file = path.join(dir, `${id}.${probe.ext}`);
  const part = `${file}.part`;
  const recipe = backupRecipe(spec, resolved, part, token);
  const verified: string[] = [];

  const stopHere = recipe.needsWritersStopped && !options.writersStopped;
  if (stopHere && !job.writers) {
    throw new BackupError("DuckDB can only be copied while the app is stopped, and no way to stop it was given", {
      host: ctx.host.name,
      step: ctx.step,
      hint: "use strategy stop-first (which gives the backup the app's stop/start commands) or an export command the app exposes",
    });
  }
  try {
    await withSecret(ctx, recipe.secret, async () => {
      if (!previous && resolved.kind === "server") {
        const size = recipe.size ? Number((await runStep(ctx, recipe.size)).stdout.trim()) : undefined;
        await checkSpace(ctx, dir, size, "the database's size");
      }
      if (stopHere && job.writers) await stopWriters(ctx, job.writers, "stop the app for the copy");
      try {
        await runSteps(ctx, recipe.dump);
        await runSteps(ctx, recipe.verify);
        verified.push(...recipe.verify.map((step) => step.what));
      } finally {
        if (stopHere && job.writers) await runWriters(ctx, job.writers.start, "start the app again");
      }
      if (spec.engine === "postgres" && spec.verifyRestore && resolved.kind === "server") {
        verified.push(await verifyInScratch(ctx, spec, resolved.where, part, token));
      }
    });
    await runStep(ctx, { argv: moveArgv(part, file), what: `keep the verified backup as ${file}` });
  } catch (error) {
    // SQLite's VACUUM INTO leaves its rollback journal (`<part>-journal`) when the disk fills up mid-copy.
    const sidecars = [".status", ".tail-status", "-journal", "-wal", "-shm"].map((suffix) => `${part}${suffix}`);
    await tryRun(ctx, removeFilesArgv([part, ...sidecars]));
    throw diskFull(error, ctx, dir) ?? error;
  }
  const { sizeBytes, sha256 } = await fileSizeAndSha(ctx, file);
  const versionResult = await ctx.host.exec(recipe.versionArgv, { become: ctx.become, check: false, step: ctx.step });
  const manifest: BackupManifest = {
    id,
    file: path.basename(file),
    release: id.slice(0, id.lastIndexOf("-")),
    createdAt: takenAt.toISOString(),
    reason: job.reason ?? "manual",
    database: { engine: spec.engine, name: databaseName(spec), location: locationText(spec) },
    tool: { name: recipe.tool, version: versionResult.stdout.trim().split("\n")[0] ?? "unknown" },
    sizeBytes,
    sha256,
    durationMs: Date.now() - started,
    verified,
  };
  await writeManifest(ctx, dir, manifest);
  return manifest;
}

/**
 * The dump's failure as "the backup directory is full" when its output says so (the free-space check before the dump
 * passed, but the database grew past what was left): names the directory and what to do. Null for other failures.
 */
function diskFull(error: unknown, ctx: ExecContext, dir: string): BackupError | null {
  if (!(error instanceof BackupError) || !saysDiskFull(`${error.message}\n${error.stderrTail ?? ""}`)) return null;
  return new BackupError(`the backup directory ${dir} ran out of space during the backup (${error.message})`, {
    host: ctx.host.name,
    step: ctx.step,
    command: error.command,
    exitCode: error.exitCode,
    stderrTail: error.stderrTail,
    hint: `${roomHint(dir)}; the partial copy was removed and nothing was changed`,
    cause: error,
  });
}

async function verifyInScratch(
  ctx: ExecContext,
  spec: Parameters<typeof postgresScratchVerify>[0],
  where: Parameters<typeof postgresScratchVerify>[1],
  part: string,
  token: string,
): Promise<string> {
  const plan = postgresScratchVerify(spec, where, part, token);
  await runStep(ctx, plan.create);
  try {
    await runStep(ctx, plan.restore);
    const source = parseRowCounts((await runStep(ctx, plan.countSource)).stdout);
    const copy = parseRowCounts((await runStep(ctx, plan.countScratch)).stdout);
    const differences = compareRowCounts(source, copy);
    if (differences.length > 0) {
      throw new BackupError(
        `the dump restored into ${plan.scratch} with different row counts:\n${differences.join("\n")}`,
        {
          host: ctx.host.name,
          step: ctx.step,
          hint: "rows written while the dump ran also differ; if the app was idle, the dump is incomplete: do not deploy",
        },
      );
    }
    return `restored into ${plan.scratch}: ${source.size} table(s), row counts equal`;
  } finally {
    await tryRun(ctx, plan.drop.argv);
  }
}
