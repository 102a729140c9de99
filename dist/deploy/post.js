import { createRequire as __slipwayCreateRequire } from 'node:module'; import { dirname as __slipwayDirname } from 'node:path'; import { fileURLToPath as __slipwayFileUrl } from 'node:url'; const require = __slipwayCreateRequire(import.meta.url); const __filename = __slipwayFileUrl(import.meta.url); const __dirname = __slipwayDirname(__filename);
/*! slipway v0.1.0 | MIT */
import {
  Redactor,
  STATE,
  cleanupAfterCancel,
  cleanupLines,
  deploymentsClient,
  getInput,
  getState,
  info,
  keyPlacement,
  loadConfig,
  maskOnRunner,
  placeKey,
  readInputs,
  resolveHosts,
  runContextFromEnv,
  secretValues,
  warning
} from "./chunk-LWWBSVGJ.js";

// src/github/post-action.ts
import { dirname, resolve } from "node:path";
async function runPostAction(env = process.env) {
  const runId = getState(STATE.runId);
  if (!runId || getState(STATE.finished) === "true") {
    info("slipway post: the deploy finished (or never started): nothing to clean up");
    return;
  }
  const redactor = new Redactor();
  try {
    const inputs = readInputs((name) => getInput(name));
    const secrets = secretValues(void 0, [inputs.sshPrivateKey, inputs.githubToken], env);
    maskOnRunner(env, secrets);
    redactor.addAll(secrets);
    const config = await loadConfig(inputs.config, { environment: inputs.environment });
    if (inputs.sshPrivateKey) {
      await placeKey(inputs.sshPrivateKey, keyPlacement(resolveHosts(config), dirname(resolve(inputs.config))), env);
    }
    info(`slipway post: the deploy (run ${runId}) did not finish: cleaning up after it`);
    const hosts = await cleanupAfterCancel({ config, runId, limit: inputs.limit });
    for (const line of cleanupLines(hosts)) info(redactor.redact(line));
    const failed = hosts.filter((h) => h.error);
    if (failed.length > 0) {
      warning(
        redactor.redact(
          `slipway post: could not clean up ${failed.map((h) => `${h.host} (${h.error})`).join(", ")}: deploy again with force-unlock: true once you have checked that no deploy runs`
        )
      );
    }
    await markDeploymentFailed(inputs.githubToken, env);
  } catch (error) {
    warning(redactor.redact(`slipway post: cleanup failed: ${error.message}`));
  }
}
async function markDeploymentFailed(token, env) {
  const id = Number(getState(STATE.deploymentId));
  const run = runContextFromEnv(env);
  if (!token || !run || !Number.isInteger(id) || id <= 0) return;
  await deploymentsClient(token, run).status(id, "failure", {
    description: "slipway was cancelled before it finished"
  });
}

// src/github/entry/post.ts
await runPostAction();
