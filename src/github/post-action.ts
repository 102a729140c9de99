/**
 * Entry of the deploy action's post step (action.yml `runs.post`, `post-if: always()`): after a cancelled or crashed
 * main step, release the deploy locks this run took (never another run's) and mark its GitHub deployment failed.
 * Nothing to do when main finished or never reached the hosts (state from main: state.ts).
 */

import { dirname, resolve } from "node:path";
import * as core from "@actions/core";
import { resolveHosts } from "../config/inventory.js";
import { loadConfig } from "../config/load.js";
import { secretValues } from "../config/secret-redactor.js";
import { cleanupAfterCancel, cleanupLines } from "../deploy/cleanup.js";
import { Redactor } from "../remote/redact.js";
import { maskOnRunner } from "./action-context.js";
import { deploymentsClient, runContextFromEnv } from "./deployments.js";
import { readInputs } from "./inputs.js";
import { keyPlacement, placeKey } from "./ssh-key.js";
import { STATE } from "./state.js";

export async function runPostAction(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const runId = core.getState(STATE.runId);
  if (!runId || core.getState(STATE.finished) === "true") {
    core.info("slipway post: the deploy finished (or never started): nothing to clean up");
    return;
  }
  const redactor = new Redactor();
  try {
    const inputs = readInputs((name) => core.getInput(name));
    const secrets = secretValues(undefined, [inputs.sshPrivateKey, inputs.githubToken], env);
    maskOnRunner(env, secrets);
    redactor.addAll(secrets);
    const config = await loadConfig(inputs.config, { environment: inputs.environment });
    // A new process: the key the main step placed in its environment is gone; files it wrote are still there.
    if (inputs.sshPrivateKey) {
      await placeKey(inputs.sshPrivateKey, keyPlacement(resolveHosts(config), dirname(resolve(inputs.config))), env);
    }
    core.info(`slipway post: the deploy (run ${runId}) did not finish: cleaning up after it`);
    // The deploy's own cleanup: nginx back on the recorded color after a mid-switch kill, the unrouted idle color
    // stopped, then this run's lock released (another run's is left alone).
    const hosts = await cleanupAfterCancel({ config, runId, limit: inputs.limit });
    for (const line of cleanupLines(hosts)) core.info(redactor.redact(line));
    const failed = hosts.filter((h) => h.error);
    if (failed.length > 0) {
      core.warning(
        redactor.redact(
          `slipway post: could not clean up ${failed.map((h) => `${h.host} (${h.error})`).join(", ")}: deploy again with force-unlock: true once you have checked that no deploy runs`,
        ),
      );
    }
    await markDeploymentFailed(inputs.githubToken, env);
  } catch (error) {
    // The post step never fails the job for its own sake: the main step's failure is the one that matters.
    core.warning(redactor.redact(`slipway post: cleanup failed: ${(error as Error).message}`));
  }
}

async function markDeploymentFailed(token: string | undefined, env: NodeJS.ProcessEnv): Promise<void> {
  const id = Number(core.getState(STATE.deploymentId));
  const run = runContextFromEnv(env);
  if (!token || !run || !Number.isInteger(id) || id <= 0) return;
  await deploymentsClient(token, run).status(id, "failure", {
    description: "slipway was cancelled before it finished",
  });
}
