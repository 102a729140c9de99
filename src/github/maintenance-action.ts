/**
 * `command: maintenance-on` / `maintenance-off`: the CLI's `slipway maintenance on|off` from a workflow (put the page
 * up before a long migration job, take it down after). Each nginx host's state goes in a log group and the job
 * summary; a host that failed or could not be reached fails the step, naming it.
 */
import * as core from "@actions/core";
import type { SlipwayConfig } from "../config/schema.js";
import { formatMaintenance, setMaintenance } from "../deploy/maintenance.js";
import type { ActionContext } from "./action-context.js";
import type { ActionInputs } from "./inputs.js";

export async function runMaintenanceAction(
  ctx: ActionContext,
  inputs: ActionInputs,
  config: SlipwayConfig,
): Promise<void> {
  const action = inputs.command === "maintenance-on" ? "on" : "off";
  const results = await setMaintenance(config, action, inputs.limit);
  const lines = formatMaintenance(results).split("\n");
  core.startGroup(`maintenance ${action}`);
  for (const line of lines) core.info(ctx.redact(line));
  core.endGroup();
  await ctx.summary({ notes: lines.map((line) => ctx.redact(line)) });
  const failed = results.filter((r) => r.error);
  if (failed.length > 0) {
    core.setFailed(
      ctx.redact(`maintenance ${action} failed on ${failed.map((r) => `${r.host} (${r.error})`).join(", ")}`),
    );
  }
}
