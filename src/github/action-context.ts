/**
 * What every part of the deploy action shares: the environment, the redactor every message passes through, the
 * grouped log (progress.ts LogSink on @actions/core), the job summary writer, and the config problems as annotations.
 */
import * as core from "@actions/core";
import { ConfigValidationError } from "../config/errors.js";
import type { ConfigIssue } from "../config/issues.js";
import { formatIssue } from "../config/issues.js";
import type { SlipwayConfig } from "../config/schema.js";
import { Redactor } from "../remote/redact.js";
import { configAnnotations } from "./annotations.js";
import type { ActionInputs } from "./inputs.js";
import type { LogSink } from "./progress.js";
import { type SummaryInput, summaryMarkdown } from "./summary.js";

export interface ActionContext {
  env: NodeJS.ProcessEnv;
  inputs?: ActionInputs;
  config?: SlipwayConfig;
  redact(text: string): string;
  /** Masks each value for the runner (::add-mask::) and for our own redactor. */
  mask(values: readonly string[]): void;
  log: LogSink;
  /** Appends the job summary (outside Actions, without GITHUB_STEP_SUMMARY, the log is the report: nothing). */
  summary(input: Omit<SummaryInput, "redact" | "app" | "command">): Promise<void>;
}

/**
 * Registers `values` with the Actions runner's log masking (`::add-mask::VALUE` on stdout), but only under the runner
 * (`GITHUB_ACTIONS=true`): the runner swallows those lines, while a terminal, a `| tee` or a pasted log would show
 * every value in clear (D76: docs/github-action.md's local run printed the SSH key 24 times). Outside the runner our
 * own redactor is the only masking, and it never prints what it masks.
 */
export function maskOnRunner(env: NodeJS.ProcessEnv, values: readonly string[]): void {
  if (env.GITHUB_ACTIONS !== "true") return;
  for (const value of values) core.setSecret(value);
}

export function actionContext(env: NodeJS.ProcessEnv): ActionContext {
  const redactor = new Redactor();
  const redact = (text: string) => redactor.redact(text);
  const ctx: ActionContext = {
    env,
    redact,
    mask(values) {
      // Every encoded form goes to the runner's mask too, so lines printed by child processes are masked as well.
      const before = new Set(redactor.forms());
      redactor.addAll(values);
      maskOnRunner(
        env,
        redactor.forms().filter((form) => !before.has(form)),
      );
    },
    log: {
      group(title, lines) {
        core.startGroup(redact(title));
        for (const line of lines) core.info(redact(line));
        core.endGroup();
      },
      line(level, text) {
        const shown = redact(text);
        if (level === "error") core.error(shown);
        else if (level === "warn") core.warning(shown);
        else core.info(shown);
      },
    },
    async summary(input) {
      if (!env.GITHUB_STEP_SUMMARY) return;
      const markdown = summaryMarkdown({
        ...input,
        command: ctx.inputs?.command ?? "deploy",
        app: ctx.config?.app ?? ctx.inputs?.config ?? "slipway",
        environment: ctx.inputs?.environment,
        redact,
      });
      await core.summary.addRaw(markdown).write();
    },
  };
  return ctx;
}

/**
 * Config problems: one error annotation on the file, line and column of each, the list in the summary, the step
 * failed by exit code (core.setFailed would add one more annotation without a position). Returns false for any other
 * error.
 */
export async function reportConfigProblems(ctx: ActionContext, error: unknown): Promise<boolean> {
  if (!(error instanceof ConfigValidationError)) return false;
  await reportConfigIssues(ctx, error.issues);
  return true;
}

export async function reportConfigIssues(ctx: ActionContext, issues: readonly ConfigIssue[]): Promise<void> {
  for (const a of configAnnotations(issues, ctx.env.GITHUB_WORKSPACE)) core.error(ctx.redact(a.message), a.properties);
  const count = `${issues.length} problem${issues.length === 1 ? "" : "s"}`;
  await ctx
    .summary({ notes: issues.map(formatIssue), error: `${ctx.inputs?.config ?? "slipway.yml"}: ${count}` })
    .catch(() => undefined);
  process.exitCode = 1;
}
