import { createRequire as __slipwayCreateRequire } from 'node:module'; import { dirname as __slipwayDirname } from 'node:path'; import { fileURLToPath as __slipwayFileUrl } from 'node:url'; const require = __slipwayCreateRequire(import.meta.url); const __filename = __slipwayFileUrl(import.meta.url); const __dirname = __slipwayDirname(__filename);
/*! slipway v0.1.0 | MIT */
import {
  ConnectionPool,
  Redactor,
  STATE,
  chosenHosts,
  connectAll,
  deployPaths,
  deploymentsClient,
  getInput,
  getState,
  info,
  keyPlacement,
  loadConfig,
  placeKey,
  readInputs,
  releaseLockHeldBy,
  resolveHosts,
  runContextFromEnv,
  secretValues,
  setSecret,
  warning
} from "./chunk-R6YOP2UW.js";

// src/github/post-action.ts
import { dirname, resolve } from "node:path";

// src/github/post-cleanup.ts
async function cleanupAfterRun(config, limit, runId) {
  const pool = new ConnectionPool();
  const lockPath = deployPaths(config.deploy_dir).lock;
  try {
    const connected = await connectAll(config, chosenHosts(config, limit), pool);
    return await Promise.all(
      connected.map(async ({ resolved, host, error }) => {
        if (!host) return { host: resolved.name, error: error ?? "unreachable" };
        try {
          return { host: resolved.name, lock: await releaseLockHeldBy(host, lockPath, runId) };
        } catch (e) {
          return { host: resolved.name, error: e instanceof Error ? e.message : String(e) };
        }
      })
    );
  } finally {
    await pool.closeAll();
  }
}

// src/github/post-action.ts
async function runPostAction(env = process.env) {
  const runId = getState(STATE.runId);
  if (!runId || getState(STATE.finished) === "true") {
    info("slipway post: the deploy finished (or never started): nothing to clean up");
    return;
  }
  const redactor = new Redactor();
  try {
    const inputs = readInputs((name) => getInput(name));
    for (const value of secretValues(void 0, [inputs.sshPrivateKey, inputs.githubToken], env)) {
      setSecret(value);
      redactor.add(value);
    }
    const config = await loadConfig(inputs.config, { environment: inputs.environment });
    if (inputs.sshPrivateKey) {
      await placeKey(inputs.sshPrivateKey, keyPlacement(resolveHosts(config), dirname(resolve(inputs.config))), env);
    }
    info(`slipway post: the deploy (run ${runId}) did not finish: releasing its locks`);
    const hosts = await cleanupAfterRun(config, inputs.limit, runId);
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
function cleanupLines(hosts) {
  const said = {
    released: "released this run's deploy lock",
    "not-held": "no lock held",
    "held-by-other": "the lock is another run's: left in place"
  };
  return hosts.map((h) => `[${h.host}] ${h.error ? `not reached: ${h.error}` : said[h.lock ?? "not-held"]}`);
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
