/** The ExecOptions every module passes: sudo from the task's become, the task name as the step. */

import type { ModuleContext } from "../../engine/types.js";
import type { ExecOptions } from "../../remote/types.js";

export function execOptions(ctx: ModuleContext, extra: ExecOptions = {}): ExecOptions {
  return { become: ctx.become, becomeUser: ctx.becomeUser, step: ctx.step, ...extra };
}

export async function runAll(ctx: ModuleContext, commands: readonly string[][]): Promise<void> {
  for (const argv of commands) await ctx.host.exec(argv, execOptions(ctx));
}

/** What a module ran (or, in check mode, would run), for the task's message. */
export function describeCommands(commands: readonly string[][], check: boolean): string {
  return `${check ? "would run: " : ""}${commands.map((c) => c.join(" ")).join("; ")}`;
}
