/** The backup directory on a host: list manifests, write one, checksum a file, prune, copy to the runner. */
import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import localPath from "node:path";
import path from "node:path/posix";
import { fileSizeArgv, jsonFilesArgv, privateWriteArgv, removeFilesArgv } from "../commands/files.js";
import { BackupError } from "./errors.js";
import { capture, type ExecContext, runStep } from "./exec.js";
import { newestFirst, parseManifest, renderManifest } from "./manifest.js";
import { backupDir } from "./naming.js";
import { type RetentionDecision, selectForPruning } from "./retention.js";
import type { BackupManifest } from "./types.js";

const END = "--slipway-manifest-end--";

/** Prints every manifest followed by an end marker line, in one round trip. A missing directory lists nothing. */
export function listManifestsArgv(dir: string): string[] {
  return jsonFilesArgv(dir, END);
}

export function parseManifestListing(stdout: string): BackupManifest[] {
  return stdout
    .split(`\n${END}\n`)
    .map((chunk) => parseManifest(chunk))
    .filter((manifest): manifest is BackupManifest => manifest !== undefined);
}

/**
 * The functions below look in `<deployDir>/backups`, or in `backupsDir` when given (the config's
 * `database.backups.dir`, carried by the spec: pass `spec.backupsDir`).
 */
export async function listBackups(ctx: ExecContext, deployDir: string, backupsDir?: string): Promise<BackupManifest[]> {
  const stdout = await capture(ctx, listManifestsArgv(backupDir(deployDir, backupsDir)), "list the backups");
  return newestFirst(parseManifestListing(stdout));
}

export async function findBackup(
  ctx: ExecContext,
  deployDir: string,
  id: string,
  backupsDir?: string,
): Promise<BackupManifest> {
  const dir = backupDir(deployDir, backupsDir);
  const all = await listBackups(ctx, deployDir, backupsDir);
  const found = all.find((manifest) => manifest.id === id);
  if (!found) {
    throw new BackupError(`no backup ${id} in ${dir}`, {
      host: ctx.host.name,
      step: ctx.step,
      hint:
        all.length > 0
          ? `pick one of: ${all.map((m) => m.id).join(", ")} (slipway backup list)`
          : "there are no backups on this host yet",
    });
  }
  return found;
}

export async function writeManifest(ctx: ExecContext, dir: string, manifest: BackupManifest): Promise<void> {
  const file = path.join(dir, `${manifest.id}.json`);
  const text = renderManifest(manifest);
  await runStep(ctx, {
    argv: privateWriteArgv(file, Buffer.byteLength(text)),
    stdin: text,
    what: `write the manifest ${file}`,
  });
}

export async function fileSizeAndSha(ctx: ExecContext, file: string): Promise<{ sizeBytes: number; sha256: string }> {
  const size = await capture(ctx, fileSizeArgv(file), `size of ${file}`);
  const sum = await capture(ctx, ["sha256sum", "--", file], `sha256 of ${file}`);
  return { sizeBytes: Number(size.trim()), sha256: sum.trim().split(/\s+/)[0] ?? "" };
}

export function pruneArgv(dir: string, manifests: readonly BackupManifest[]): string[] {
  return removeFilesArgv(manifests.flatMap((m) => [path.join(dir, m.file), path.join(dir, `${m.id}.json`)]));
}

export async function pruneBackups(
  ctx: ExecContext,
  deployDir: string,
  options: {
    keep?: number;
    protectReleases?: readonly (string | null | undefined)[];
    /** Backup ids never pruned (those the host's release history names). */
    protectIds?: readonly string[];
    dryRun?: boolean;
    /** The config's `database.backups.dir` (default `<deployDir>/backups`). */
    backupsDir?: string;
  },
): Promise<RetentionDecision> {
  const dir = backupDir(deployDir, options.backupsDir);
  const decision = selectForPruning(await listBackups(ctx, deployDir, options.backupsDir), options);
  if (decision.prune.length > 0 && !options.dryRun) {
    await runStep(ctx, {
      argv: pruneArgv(dir, decision.prune),
      what: `prune ${decision.prune.length} old backup(s)`,
    });
  }
  return decision;
}

/** Copies a backup and its manifest to a directory on the runner, checking the sha256 on arrival. */
export async function copyToRunner(
  ctx: ExecContext,
  deployDir: string,
  manifest: BackupManifest,
  localDir: string,
  backupsDir?: string,
): Promise<string> {
  const remote = path.join(backupDir(deployDir, backupsDir), manifest.file);
  const content = await ctx.host.readFile(remote, { become: ctx.become });
  if (!content)
    throw new BackupError(`${remote} is missing`, {
      host: ctx.host.name,
      step: ctx.step,
      hint: "run slipway backup list",
    });
  const sha256 = createHash("sha256").update(content).digest("hex");
  if (sha256 !== manifest.sha256) {
    throw new BackupError(`${remote} does not match its manifest (sha256 ${sha256}, expected ${manifest.sha256})`, {
      host: ctx.host.name,
      step: ctx.step,
      hint: "the backup file was changed or damaged on the host; do not restore it",
    });
  }
  await mkdir(localDir, { recursive: true });
  const target = localPath.join(localDir, manifest.file);
  await writeFile(target, content, { mode: 0o600 });
  await writeFile(localPath.join(localDir, `${manifest.id}.json`), renderManifest(manifest), { mode: 0o600 });
  return target;
}
