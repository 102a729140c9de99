/**
 * Validated atomic install of rendered files (nginx site + upstream includes, systemd units, compose files):
 *
 *   read what is live -> nothing differs: done (no write, no reload)
 *   keep each live file as `<path>.slipway-prev` -> put the candidates in place (putFile: temp file beside the live
 *   one, then rename) -> validate the whole resulting configuration in place (`nginx -t`, `systemd-analyze verify`,
 *   `compose config -q`) -> reload.
 *
 * If validation or the reload fails, every file goes back to its previous content (or is removed if it is new), the
 * reload runs again so the service keeps the old config, and the error carries the validator's own message. The
 * running service only reads its files on reload, so the candidates being in place during validation changes nothing
 * it serves.
 */
import { createTwoFilesPatch } from "diff";
import type { Command } from "../commands/command.js";
import { removeFilesArgv } from "../commands/files.js";
import { RemoteCommandError, SlipwayError } from "../errors.js";
import { isPrivateMode, SECRET_CONTENT_CHANGED } from "../remote/redact.js";
import type { ExecResult, RemoteHost } from "../remote/types.js";

export interface ManagedFile {
  path: string;
  content: string;
  /** Octal file mode, e.g. 0o644 (0o600 for files with secrets). */
  mode?: number;
  owner?: string;
  group?: string;
}

export type { Command };

export interface InstallPlan {
  files: ManagedFile[];
  /** Run with every candidate in place; a non-zero exit puts the previous files back. */
  validate: Command[];
  /** Run after validation when something changed (`systemctl reload nginx`, `systemctl daemon-reload`). */
  reload: Command[];
  become: boolean;
  /** Report what would change, change nothing. */
  check?: boolean;
  step?: string;
  /**
   * What must be done before anything is written (e.g. the files' directories being made), awaited after the live
   * files are read, also when nothing changed: its failure is the install's.
   */
  ready?: Promise<unknown>;
}

export interface FileChange {
  path: string;
  /** Installed with a private mode (0600): diffs say only that it changed (see isPrivateMode). */
  secret?: boolean;
  /** undefined when the file did not exist. */
  before: string | undefined;
  after: string;
}

export interface InstallResult {
  changed: boolean;
  files: FileChange[];
  /** Unified diff of every changed file ("" when nothing changed). */
  diff: string;
}

export function previousPath(path: string): string {
  return `${path}.slipway-prev`;
}

export function unifiedDiff(changes: readonly FileChange[]): string {
  return changes
    .map((c) =>
      c.secret
        ? `--- ${c.path}\n+++ ${c.path}\n${SECRET_CONTENT_CHANGED}\n`
        : createTwoFilesPatch(
            c.before === undefined ? "/dev/null" : c.path,
            c.path,
            c.before ?? "",
            c.after,
            "live",
            "new",
          ),
    )
    .join("");
}

export async function installValidated(host: RemoteHost, plan: InstallPlan): Promise<InstallResult> {
  const changes: Array<FileChange & { file: ManagedFile }> = [];
  // Every file is read at once: each read is a round trip, and most installs change nothing.
  const [lives] = await Promise.all([
    Promise.all(plan.files.map((file) => host.readFile(file.path, { become: plan.become }))),
    plan.ready,
  ]);
  for (const [i, file] of plan.files.entries()) {
    const before = lives[i]?.toString("utf8");
    if (before !== file.content) {
      changes.push({ path: file.path, before, after: file.content, file, secret: isPrivateMode(file.mode) });
    }
  }
  const result: InstallResult = {
    changed: changes.length > 0,
    files: changes.map(({ path, before, after, secret }) => ({ path, before, after, ...(secret ? { secret } : {}) })),
    diff: unifiedDiff(changes),
  };
  if (changes.length === 0 || plan.check) return result;

  const step = plan.step ?? "install";
  for (const change of changes) {
    if (change.before !== undefined) {
      // 0600: the previous version of an env file holds secrets too.
      await host.putFile(previousPath(change.path), change.before, { mode: 0o600, become: plan.become, step });
    }
  }
  const put: typeof changes = [];
  try {
    for (const change of changes) {
      const { mode, owner, group } = change.file;
      await host.putFile(change.path, change.after, { mode, owner, group, become: plan.become, step });
      put.push(change);
    }
    for (const command of plan.validate) await mustSucceed(host, command, plan, "rejected the new files");
  } catch (error) {
    await restore(host, put, plan, error);
    throw error;
  }
  try {
    for (const command of plan.reload) await mustSucceed(host, command, plan, "failed with the new files");
  } catch (error) {
    await restore(host, put, plan, error);
    // The service may have half-applied the failed reload: reload again on the restored files.
    for (const command of plan.reload) await run(host, command, plan);
    throw error;
  }
  return result;
}

async function run(host: RemoteHost, command: Command, plan: InstallPlan): Promise<ExecResult> {
  return host.exec(command.argv, { become: plan.become, check: false, step: plan.step ?? command.what });
}

async function mustSucceed(host: RemoteHost, command: Command, plan: InstallPlan, failure: string): Promise<void> {
  const result = await run(host, command, plan);
  if (result.code === 0) return;
  throw new RemoteCommandError(`${command.what} ${failure}; the previous files are back in place`, {
    host: host.name,
    step: plan.step ?? command.what,
    command: command.argv.join(" "),
    exitCode: result.code,
    stderrTail: tail(result.stderr || result.stdout),
    hint: "the rendered configuration is invalid on this host: read the message above, fix the value in slipway.yml and deploy again",
  });
}

/** Puts back what was live; a new file is removed. A failure here is reported with the original error as cause. */
async function restore(
  host: RemoteHost,
  put: ReadonlyArray<FileChange & { file: ManagedFile }>,
  plan: InstallPlan,
  original: unknown,
) {
  const step = plan.step ?? "install";
  try {
    for (const change of [...put].reverse()) {
      if (change.before === undefined) {
        await host.exec(removeFilesArgv([change.path]), { become: plan.become, step });
      } else {
        const { mode, owner, group } = change.file;
        await host.putFile(change.path, change.before, { mode, owner, group, become: plan.become, step });
      }
    }
  } catch (error) {
    throw new SlipwayError(`restoring the previous files failed after: ${(original as Error).message}`, {
      host: host.name,
      step,
      cause: error,
      hint: `the candidates may still be in place: copy each ${previousPath("<file>")} back by hand and reload`,
    });
  }
}

/**
 * Puts the kept previous versions back (`<path>.slipway-prev`), validated and reloaded like any install: the manual
 * "undo the last config change".
 */
export async function restorePrevious(
  host: RemoteHost,
  paths: readonly string[],
  plan: Omit<InstallPlan, "files">,
): Promise<InstallResult> {
  const files: ManagedFile[] = [];
  for (const path of paths) {
    const previous = await host.readFile(previousPath(path), { become: plan.become });
    if (previous === undefined) {
      throw new SlipwayError(`no previous version of ${path} is kept on this host`, {
        host: host.name,
        step: plan.step,
        hint: "there is nothing to go back to; redeploy an earlier release instead",
      });
    }
    files.push({ path, content: previous.toString("utf8") });
  }
  return installValidated(host, { ...plan, files });
}

function tail(text: string, lines = 15): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}
