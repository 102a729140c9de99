/**
 * Installing file content on a host (copy, template): compare with what is there, show the diff, validate the new
 * content with the user's command before it goes live, then hand it to putFile (temp file + rename, optional backup).
 * In-place mode (`validate_in_place` / `reload`) hands the file to src/install/validated.ts instead: the candidate is
 * validated as part of the whole live configuration (an nginx conf.d file only means something with nginx.conf
 * around it), the previous version is kept as `<dest>.slipway-prev` and comes back if validation or the reload fails.
 */
import { randomBytes } from "node:crypto";
import { posix } from "node:path";
import { z } from "zod";
import { removeFilesArgv } from "../../commands/files.js";
import type { FileDiff, ModuleContext, ModuleResult } from "../../engine/types.js";
import { RemoteCommandError } from "../../errors.js";
import { type Command, installValidated } from "../../install/validated.js";
import { isPrivateMode } from "../../remote/redact.js";
import { describeCommands, execOptions, runAll } from "./exec.js";
import { modeSchema } from "./schema.js";
import { splitCommand } from "./shlex.js";
import { attributeFixes, statPath } from "./stat.js";

export interface InstallSpec {
  dest: string;
  content: string;
  mode?: string;
  owner?: string;
  group?: string;
  backup?: boolean;
  /** Command with `%s` standing for the candidate file, e.g. `visudo -cf %s` or `nginx -t -c %s`. */
  validate?: string;
  /** Run with the candidate already at dest (`nginx -t`); `%s`, if present, stands for dest. */
  validate_in_place?: string | string[];
  /** Run after an in-place install changed the file (`systemctl reload nginx`). */
  reload?: string | string[];
}

/** A command given as one string (split like a shell would, never run through one) or as argv. */
const commandArg = z.union([z.string().min(1), z.array(z.string()).min(1)]);

/** The in-place args, for the schemas of the modules that install through installContent. */
export const inPlaceArgs = { validate_in_place: commandArg.optional(), reload: commandArg.optional() };

/** Every arg a module installing one file through installContent takes (copy, template): content from src or inline. */
export const fileInstallArgs = {
  dest: z.string().startsWith("/", "expected an absolute path"),
  content: z.string().optional(),
  src: z.string().optional(),
  mode: modeSchema.optional(),
  owner: z.string().optional(),
  group: z.string().optional(),
  backup: z.boolean().default(false),
  validate: z.string().optional(),
  ...inPlaceArgs,
};

/** Schema refinement of fileInstallArgs: the content comes from exactly one place. */
export function oneContentSource(args: { content?: string; src?: string }): boolean {
  return (args.content === undefined) !== (args.src === undefined);
}

export const oneContentSourceMessage = "give exactly one of src or content";

/** Schema refinement: in-place mode has its own validation and always keeps the previous file. */
export function inPlaceConflict(args: { validate?: string; backup?: boolean } & Partial<InstallSpec>): boolean {
  const inPlace = args.validate_in_place !== undefined || args.reload !== undefined;
  return inPlace && (args.validate !== undefined || args.backup === true);
}

export const inPlaceConflictMessage =
  "validate_in_place/reload cannot be combined with validate (checks the file alone) or backup (in-place mode always keeps <dest>.slipway-prev)";

/** Pure: the Command installValidated runs, `%s` (if any) replaced by the installed file's path. */
export function inPlaceCommand(command: string | readonly string[], dest: string): Command {
  const argv = (typeof command === "string" ? splitCommand(command) : [...command]).map((a) =>
    a.replaceAll("%s", dest),
  );
  if (argv.length === 0) throw new Error("empty command");
  return { argv, what: argv.join(" ") };
}

/** argv for the validate command with %s replaced by the candidate's path (inside words too: `-c%s`). */
export function validateArgv(validate: string, candidate: string): string[] {
  const argv = splitCommand(validate);
  if (!argv.some((a) => a.includes("%s"))) throw new Error(`validate command "${validate}" has no %s for the file`);
  return argv.map((a) => a.replaceAll("%s", candidate));
}

/** Candidate path next to nothing that reads it: /tmp, with a name no config include glob matches. */
export function candidatePath(dest: string): string {
  return `/tmp/.slipway-validate-${randomBytes(6).toString("hex")}-${posix.basename(dest)}`;
}

export async function installContent(ctx: ModuleContext, spec: InstallSpec): Promise<ModuleResult> {
  const opts = execOptions(ctx);
  const current = await ctx.host.readFile(spec.dest, { become: ctx.become });
  const before = current?.toString("utf8");
  if (before === spec.content) {
    const fixes = attributeFixes(spec.dest, await statPath(ctx.host, spec.dest, opts), spec);
    if (fixes.length === 0) return { status: "ok" };
    if (!ctx.check) await runAll(ctx, fixes);
    return { status: "changed", msg: describeCommands(fixes, ctx.check) };
  }
  const diff = fileDiff(spec.dest, before, spec.content, spec.mode);
  if (ctx.check) return { status: "changed", diff, msg: before === undefined ? "would create" : "would update" };
  if (spec.validate_in_place !== undefined || spec.reload !== undefined) return installInPlace(ctx, spec);
  if (spec.validate) await validateCandidate(ctx, spec);
  await ctx.host.putFile(spec.dest, spec.content, {
    mode: spec.mode ? Number.parseInt(spec.mode, 8) : undefined,
    owner: spec.owner,
    group: spec.group,
    become: ctx.become,
    backup: spec.backup,
    step: ctx.step,
  });
  return { status: "changed", diff };
}

/** Through installValidated: previous kept, restored (and reloaded again) when validation or the reload fails. */
async function installInPlace(ctx: ModuleContext, spec: InstallSpec): Promise<ModuleResult> {
  const result = await installValidated(ctx.host, {
    files: [
      {
        path: spec.dest,
        content: spec.content,
        mode: spec.mode ? Number.parseInt(spec.mode, 8) : undefined,
        owner: spec.owner,
        group: spec.group,
      },
    ],
    validate: spec.validate_in_place === undefined ? [] : [inPlaceCommand(spec.validate_in_place, spec.dest)],
    reload: spec.reload === undefined ? [] : [inPlaceCommand(spec.reload, spec.dest)],
    become: ctx.become,
    step: ctx.step,
  });
  const change = result.files[0];
  if (!change) return { status: "ok" };
  return { status: "changed", diff: fileDiff(change.path, change.before, change.after, spec.mode) };
}

/** The task's diff; a file installed with a private mode (0600) is never diffed, only said to have changed. */
function fileDiff(path: string, before: string | undefined, after: string, mode: string | undefined): FileDiff {
  if (isPrivateMode(mode ? Number.parseInt(mode, 8) : undefined)) return { path, before: "", after: "", secret: true };
  return { path, before: before ?? "", after };
}

async function validateCandidate(ctx: ModuleContext, spec: InstallSpec): Promise<void> {
  const candidate = candidatePath(spec.dest);
  await ctx.host.putFile(candidate, spec.content, { mode: 0o600, become: ctx.become, step: ctx.step });
  try {
    const argv = validateArgv(spec.validate as string, candidate);
    const result = await ctx.host.exec(argv, execOptions(ctx, { check: false }));
    if (result.code !== 0) {
      throw new RemoteCommandError(`validation of ${spec.dest} failed; the file was not installed`, {
        host: ctx.host.name,
        step: ctx.step,
        command: argv.join(" "),
        exitCode: result.code,
        stderrTail: (result.stderr || result.stdout).trim().split("\n").slice(-10).join("\n"),
        hint: "fix the rendered content (see the diff) so the validate command accepts it",
      });
    }
  } finally {
    await ctx.host.exec(removeFilesArgv([candidate]), execOptions(ctx, { check: false }));
  }
}
