/**
 * `command: validate`: slipway.yml checked without touching a server; each problem annotated on its line. The checks
 * are the CLI's `slipway validate` ({@link validateConfigFile}); this file only turns the answer into annotations.
 */
import * as core from "@actions/core";
import { formatValidationProblem, validateConfigFile } from "../deploy/validate-config.js";
import type { ActionContext } from "./action-context.js";
import { validationAnnotations } from "./annotations.js";
import type { ActionInputs } from "./inputs.js";

export async function runValidateAction(ctx: ActionContext, inputs: ActionInputs): Promise<void> {
  const result = await validateConfigFile(inputs.config, { environment: inputs.environment });
  if (result.kind === "unreadable") {
    core.setFailed(`${result.message} (the config input is relative to the workspace)`);
    await ctx.summary({ error: result.message });
    return;
  }
  if (result.kind === "invalid") {
    const { problems } = result;
    for (const a of validationAnnotations(problems, ctx.env.GITHUB_WORKSPACE)) {
      core.error(ctx.redact(a.message), a.properties);
    }
    const count = `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
    await ctx
      .summary({ notes: problems.map(formatValidationProblem), error: `${inputs.config}: ${count}` })
      .catch(() => undefined);
    process.exitCode = 1;
    return;
  }
  for (const warning of result.warnings) core.warning(ctx.redact(warning));
  core.info(ctx.redact(result.summary));
  await ctx.summary({ notes: [result.summary] });
}
