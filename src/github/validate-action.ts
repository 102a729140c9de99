/** `command: validate`: slipway.yml checked without touching a server; each problem annotated on its line. */
import * as core from "@actions/core";
import { ConfigFileUnreadable, readConfigText, validateConfigText } from "../config/load.js";
import { validSummary } from "../config/summary.js";
import { configFileIssues } from "../render/config-file-check.js";
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
  // The templates of `services.*.files` as plan reads them: a PR that breaks one fails here, not at deploy (D73).
  const fileIssues = configFileIssues(text, inputs.config, result.configs);
  if (fileIssues.length > 0) {
    await reportConfigIssues(ctx, fileIssues);
    return;
  }
  const config = result.configs[0];
  const line = config
    ? validSummary(inputs.config, config, inputs.environment ? [] : result.environments)
    : `${inputs.config}: valid`;
  core.info(ctx.redact(line));
  await ctx.summary({ notes: [line] });
}
