/** Runs recipe steps on a host and turns failures into BackupErrors that say which step, what ran and what to do. */
import { shJoin } from "../remote/quote.js";
import type { ExecResult, RemoteHost } from "../remote/types.js";
import { BackupError } from "./errors.js";
import type { Step } from "./types.js";

export interface ExecContext {
  host: RemoteHost;
  become: boolean;
  /** Step name carried into errors (the task name in a playbook). */
  step: string;
  log?: (line: string) => void;
}

function tail(text: string, lines = 20): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

export async function runStep(ctx: ExecContext, step: Step, hint?: string): Promise<ExecResult> {
  ctx.log?.(step.what);
  const result = await ctx.host.exec(step.argv, {
    become: ctx.become,
    stdin: step.stdin,
    check: false,
    step: ctx.step,
  });
  const command = shJoin(step.argv);
  if (result.code !== 0) {
    throw new BackupError(`${step.what}: failed`, {
      host: ctx.host.name,
      step: ctx.step,
      command,
      exitCode: result.code,
      stderrTail: tail(result.stderr || result.stdout),
      hint: hint ?? "fix the cause shown above and run the backup again; nothing was changed",
    });
  }
  const out = result.stdout.trim();
  const expected = step.expectStdout;
  if (expected !== undefined && (typeof expected === "string" ? out !== expected : !expected.test(out))) {
    throw new BackupError(`${step.what}: expected ${String(expected)}, got ${JSON.stringify(tail(out, 5))}`, {
      host: ctx.host.name,
      step: ctx.step,
      command,
      exitCode: result.code,
      stderrTail: tail(result.stderr),
      hint: hint ?? "the backup did not pass verification and was not kept; check the database and retry",
    });
  }
  return result;
}

export async function runSteps(ctx: ExecContext, steps: readonly Step[], hint?: string): Promise<void> {
  for (const step of steps) await runStep(ctx, step, hint);
}

/** Runs a command for its output (no expectations), as a Step. */
export async function capture(ctx: ExecContext, argv: string[], what: string): Promise<string> {
  return (await runStep(ctx, { argv, what })).stdout;
}

/** Best effort (cleanup on the way out of a failure): never hides the original error. */
export async function tryRun(ctx: ExecContext, argv: string[]): Promise<void> {
  try {
    await ctx.host.exec(argv, { become: ctx.become, check: false, step: ctx.step });
  } catch {
    // The original failure is what the user needs to see.
  }
}
