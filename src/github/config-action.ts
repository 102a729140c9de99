/**
 * `command: config`: the merged config of the environment (defaults filled in, secrets by name) printed in a log
 * group, and each secret the config names that this job's environment does not set, as a warning: what a deploy
 * would miss, found without touching a server.
 */
import * as core from "@actions/core";
import { loadConfig } from "../config/index.js";
import { mergedConfig, mergedConfigYaml } from "../config/merged.js";
import { withDerivedValues } from "../render/from-config/derived.js";
import type { ActionContext } from "./action-context.js";
import type { ActionInputs } from "./inputs.js";

export async function runConfigAction(ctx: ActionContext, inputs: ActionInputs): Promise<void> {
  const config = await loadConfig(inputs.config, { environment: inputs.environment });
  ctx.config = config;
  const effective = withDerivedValues(config);
  const merged = mergedConfig(inputs.config, effective.config, inputs.environment, ctx.env, effective.derived);
  core.startGroup(`merged config of ${inputs.config}${inputs.environment ? ` (${inputs.environment})` : ""}`);
  for (const line of mergedConfigYaml(merged).split("\n")) core.info(ctx.redact(line));
  core.endGroup();
  const unset = merged.secrets.filter((s) => !s.set);
  for (const s of unset) core.warning(`secret ${s.name} is not set in this job's env (used by ${s.usedBy.join(", ")})`);
  const notes = [
    `${inputs.config}: ${Object.keys(config.services).length} services, runtime ${config.runtime}`,
    ...unset.map((s) => `secret ${s.name} not set in this job (used by ${s.usedBy.join(", ")})`),
  ];
  await ctx.summary({ notes });
}
