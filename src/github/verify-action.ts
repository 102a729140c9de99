import * as core from "@actions/core";
import type { CheckOutcome } from "../verify/run.js";
import { verifySite } from "../verify/run.js";
import { parseList, parseRouteChecks } from "../verify/spec.js";

/** Entry of actions/verify: every check runs, all outcomes go to the job summary, any failure fails the step. */
export async function runVerifyAction(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const url = core.getInput("url", { required: true });
    const outcomes = await verifySite({
      url,
      routes: parseRouteChecks(core.getInput("routes") || "/"),
      headers: parseList(core.getInput("headers")),
      minCertDays: Number(core.getInput("min-cert-days") || "14"),
    });
    for (const o of outcomes) (o.ok ? core.info : core.error)(`${o.ok ? "ok" : "FAILED"} ${o.name}: ${o.detail}`);
    // Outside Actions (a local run) there is no summary file: the log above is the report.
    if (env.GITHUB_STEP_SUMMARY) await writeSummary(url, outcomes);
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length > 0) core.setFailed(`${failed.length} of ${outcomes.length} checks failed on ${url}`);
  } catch (error) {
    core.setFailed((error as Error).message);
  }
}

async function writeSummary(url: string, outcomes: readonly CheckOutcome[]): Promise<void> {
  await core.summary
    .addHeading(`Slipway verify: ${url}`, 3)
    .addTable([
      [
        { data: "check", header: true },
        { data: "result", header: true },
        { data: "detail", header: true },
      ],
      ...outcomes.map((o) => [o.name, o.ok ? "ok" : "FAILED", o.detail]),
    ])
    .write();
}
