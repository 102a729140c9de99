/**
 * command: runs a program (argv, never through a shell). Always "changed" unless `creates`/`removes` say it already
 * ran; use changed_when to describe read-only commands. Skipped in check mode, where its effect is unknown.
 */
import { z } from "zod";
import { testArgv } from "../commands/files.js";
import type { Module } from "../engine/types.js";
import { execOptions } from "./support/exec.js";
import { splitCommand } from "./support/shlex.js";

const argsSchema = z
  .object({
    cmd: z.string().optional(),
    argv: z.array(z.string()).min(1).optional(),
    chdir: z.string().optional(),
    creates: z.string().optional(),
    removes: z.string().optional(),
    stdin: z.string().optional(),
    env: z.record(z.string(), z.string()).optional(),
    timeout_s: z.number().positive().optional(),
  })
  .strict()
  .refine((a) => (a.cmd === undefined) !== (a.argv === undefined), "give exactly one of cmd or argv");

export type CommandArgs = z.output<typeof argsSchema>;

export function commandArgv(args: CommandArgs): string[] {
  return args.argv ?? splitCommand(args.cmd ?? "");
}

export const commandModule: Module<typeof argsSchema> = {
  name: "command",
  argsSchema,
  freeForm: "cmd",
  async run(ctx, args) {
    const argv = commandArgv(args);
    for (const [path, wantExists] of [
      [args.creates, false],
      [args.removes, true],
    ] as const) {
      if (!path) continue;
      const test = await ctx.host.exec(testArgv("-e", path), execOptions(ctx, { check: false }));
      if ((test.code === 0) !== wantExists) {
        return {
          status: "ok",
          msg: `${path} ${wantExists ? "does not exist" : "exists"}`,
          data: { rc: 0, stdout: "", stderr: "" },
        };
      }
    }
    if (ctx.check) return { status: "skipped", msg: "command is not run in check mode" };
    const result = await ctx.host.exec(
      argv,
      execOptions(ctx, {
        cwd: args.chdir,
        stdin: args.stdin,
        env: args.env,
        timeoutMs: args.timeout_s ? args.timeout_s * 1000 : undefined,
        check: false,
      }),
    );
    const data = { rc: result.code, stdout: result.stdout.trimEnd(), stderr: result.stderr.trimEnd(), cmd: argv };
    if (result.code !== 0) {
      const tail = (result.stderr || result.stdout).trim().split("\n").slice(-10).join("\n");
      return { status: "failed", msg: `exit code ${result.code}${tail ? `: ${tail}` : ""}`, data };
    }
    return { status: "changed", data };
  },
};
