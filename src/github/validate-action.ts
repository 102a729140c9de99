/** `command: validate`: slipway.yml checked without touching a server; each problem annotated on its line. */
import * as core from "@actions/core";
import { ConfigFileUnreadable, readConfigText, validateConfigText } from "../config/load.js";
import { validSummary } from "../config/summary.js";
import { type ActionContext, reportConfigIssues } from "./action-context.js";
import type { ActionInputs } from "./inputs.js";

export async function runValidateAction(ctx: ActionContext, inputs: ActionInputs): Promise<void> {
  let text: string;
  try {
    text = await readConfigText(inputs.config);
  } catch (error) {
    if (!(error instanceof ConfigFileUnreadable)) throw error;
    core.setFailed(`${error.message} (the config input is relative to the workspace)`);
    await ctx.summary({ error: error.message });
    return;
  }
  const result = validateConfigText(text, inputs.config, { environment: inputs.environment });
  if (!result.ok) {
    await reportConfigIssues(ctx, result.issues);
    return;
  }
  const config = result.configs[0];
  const line = config
    ? validSummary(inputs.config, config, inputs.environment ? [] : result.environments)
    : `${inputs.config}: valid`;
  core.info(ctx.redact(line));
  await ctx.summary({ notes: [line] });
}
