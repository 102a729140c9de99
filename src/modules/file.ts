/** file: a directory, file, link or absence, with mode and ownership. Inspects with one `stat`, then acts. */
import { z } from "zod";
import { chownArgv, mkdirsArgv, removeTreeArgv, symlinkArgv, touchArgv } from "../commands/files.js";
import type { Module } from "../engine/types.js";
import { describeCommands, execOptions, runAll } from "./support/exec.js";
import { modeSchema } from "./support/schema.js";
import { attributeFixes, describeAttributes, type PathInfo, statPath } from "./support/stat.js";

const argsSchema = z
  .object({
    path: z.string().startsWith("/", "expected an absolute path"),
    state: z.enum(["file", "directory", "link", "absent", "touch"]).default("file"),
    mode: modeSchema.optional(),
    owner: z.string().optional(),
    group: z.string().optional(),
    src: z.string().optional(),
  })
  .strict()
  .refine((a) => a.state !== "link" || a.src !== undefined, "state: link needs src (the link target)");

export type FileArgs = z.output<typeof argsSchema>;

export type FilePlan = { error: string } | { commands: string[][]; after: PathInfo | undefined };

/** Pure: the commands that bring `current` to what args ask for. */
export function planFile(args: FileArgs, current: PathInfo | undefined): FilePlan {
  const { path } = args;
  const commands: string[][] = [];
  const attrs = { mode: args.mode, owner: args.owner, group: args.group };
  const expected = (kind: PathInfo["kind"], linkTarget?: string): PathInfo => ({
    kind,
    mode: args.mode ?? current?.mode ?? (kind === "directory" ? "0755" : "0644"),
    owner: args.owner ?? current?.owner ?? "",
    group: args.group ?? current?.group ?? "",
    linkTarget,
  });
  switch (args.state) {
    case "absent":
      if (current) commands.push(removeTreeArgv(path));
      return { commands, after: undefined };
    case "directory":
      if (current && current.kind !== "directory")
        return { error: `${path} exists and is a ${current.kind}, not a directory` };
      if (!current) commands.push(mkdirsArgv([path]));
      break;
    case "file":
      if (!current) return { error: `${path} does not exist (use state: touch to create it, or copy/template)` };
      if (current.kind !== "file") return { error: `${path} is a ${current.kind}, not a file` };
      break;
    case "touch":
      if (current && current.kind === "directory") return { error: `${path} is a directory` };
      if (!current) commands.push(touchArgv(path));
      break;
    case "link": {
      const src = args.src as string;
      if (current && current.kind === "directory") return { error: `${path} is a directory, not a link` };
      if (current?.kind !== "link" || current.linkTarget !== src) commands.push(symlinkArgv(src, path));
      const owner = args.owner ?? current?.owner;
      if ((args.owner || args.group) && (current?.owner !== args.owner || current?.group !== args.group) && owner) {
        commands.push(chownArgv(`${owner}${args.group ? `:${args.group}` : ""}`, path, { noDereference: true }));
      }
      return { commands, after: { ...expected("link", src), mode: current?.mode ?? "0777" } };
    }
  }
  const kind = args.state === "directory" ? "directory" : "file";
  const base = current ?? { kind, mode: "", owner: "", group: "" };
  commands.push(...attributeFixes(path, base, attrs));
  return { commands, after: expected(kind) };
}

export const fileModule: Module<typeof argsSchema> = {
  name: "file",
  argsSchema,
  async run(ctx, args) {
    const current = await statPath(ctx.host, args.path, execOptions(ctx));
    const plan = planFile(args, current);
    if ("error" in plan) return { status: "failed", msg: plan.error };
    if (plan.commands.length === 0) return { status: "ok" };
    const diff = { path: args.path, before: describeAttributes(current), after: describeAttributes(plan.after) };
    if (!ctx.check) await runAll(ctx, plan.commands);
    return { status: "changed", diff, msg: describeCommands(plan.commands, ctx.check) };
  },
};
