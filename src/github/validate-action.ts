/** `command: validate`: slipway.yml checked without touching a server; each problem annotated on its line. */
import { readFile } from "node:fs/promises";
import * as core from "@actions/core";
import { validateConfigText } from "../config/load.js";
import { validSummary } from "../config/summary.js";
import { type ActionContext, reportConfigIssues } from "./action-context.js";
import type { ActionInputs } from "./inputs.js";

export async function runValidateAction(ctx: ActionContext, inputs: ActionInputs): Promise<void> {
  let text: string;
  try {
    text = await readFile(inputs.config, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "file not found" : `cannot read the file (${code})`;
    core.setFailed(`${inputs.config}: ${why} (the config input is relative to the workspace)`);
    await ctx.summary({ error: `${inputs.config}: ${why}` });
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
