/**
 * Entry of the deploy action (action.yml `runs.main`): inputs -> masks -> config -> SSH key -> validate | plan | deploy
 * | rollback -> outputs, log groups and job summary from the deploy's events, GitHub deployment status. Every message
 * leaving the process is redacted. The post step (post-action.ts) cleans up what a cancelled run left.
 */

import { dirname, resolve } from "node:path";
import * as core from "@actions/core";
import { resolveHosts } from "../config/inventory.js";
import { loadConfig } from "../config/load.js";
import type { SlipwayConfig } from "../config/schema.js";
import { secretValues } from "../config/secret-redactor.js";
import { resolveSecrets } from "../config/secrets.js";
import { SlipwayError } from "../errors.js";
import { type ActionContext, actionContext, reportConfigProblems } from "./action-context.js";
import { readBeforeRun } from "./before-run.js";
import { runConfigAction } from "./config-action.js";
import { type DeploymentsClient, deploymentsClient, runContextFromEnv } from "./deployments.js";
import { deployEngine, type Engine } from "./engine.js";
import { type ActionInputs, readInputs } from "./inputs.js";
import { runMaintenanceAction } from "./maintenance-action.js";
import { actionOutputs, environmentUrl } from "./outputs.js";
import { ProgressGroups } from "./progress.js";
import { keyPlacement, placeKey } from "./ssh-key.js";
import { STATE } from "./state.js";
import { runValidateAction } from "./validate-action.js";

export interface DeployActionDeps {
  engine?: Engine;
  env?: NodeJS.ProcessEnv;
}

type Deployment = { client: DeploymentsClient; id: number };

export async function runDeployAction(deps: DeployActionDeps = {}): Promise<void> {
  const ctx = actionContext(deps.env ?? process.env);
  let deployment: Deployment | undefined;
  try {
    ctx.inputs = readInputs((name) => core.getInput(name));
    ctx.mask(secretValues(undefined, [ctx.inputs.sshPrivateKey, ctx.inputs.githubToken], ctx.env));
    if (ctx.inputs.command === "validate") return await runValidateAction(ctx, ctx.inputs);
    if (ctx.inputs.command === "config") return await runConfigAction(ctx, ctx.inputs);
    const config = await loadConfig(ctx.inputs.config, { environment: ctx.inputs.environment });
    ctx.config = config;
    if (ctx.inputs.command === "maintenance-on" || ctx.inputs.command === "maintenance-off") {
      await placeSshKey(ctx, ctx.inputs, config);
      return await runMaintenanceAction(ctx, ctx.inputs, config);
    }
    const secrets = await prepareRunner(ctx, ctx.inputs, config);
    const command = ctx.inputs.command;
    const before =
      command === "plan"
        ? {}
        : await readBeforeRun(config, ctx.inputs.limit, ctx.inputs.release, command === "rollback");
    // The deployment names the commit that will serve: HEAD for a deploy, the target's commit for a rollback.
    if (command === "deploy") deployment = await createDeployment(ctx, ctx.inputs, config, ctx.env.GITHUB_SHA);
    if (command === "rollback") {
      if (before.target) deployment = await createDeployment(ctx, ctx.inputs, config, before.target.commit);
      else core.warning("GitHub deployment not recorded: the hosts did not say which commit the rollback goes to");
    }
    const progress = new ProgressGroups(ctx.log);
    const runId = `${ctx.env.GITHUB_RUN_ID ?? `local-${process.pid}`}-${ctx.env.GITHUB_RUN_ATTEMPT ?? "1"}`;
    if (command !== "plan") core.saveState(STATE.runId, runId);
    const result = await (deps.engine ?? deployEngine)({
      command,
      config,
      environment: ctx.inputs.environment,
      release: ctx.inputs.release,
      restoreDb: ctx.inputs.restoreDb,
      commit: ctx.env.GITHUB_SHA,
      limit: ctx.inputs.limit,
      images: ctx.inputs.images,
      versionEnv: ctx.inputs.versionEnv,
      forceUnlock: ctx.inputs.forceUnlock,
      lockWaitSeconds: ctx.inputs.lockWaitSeconds,
      actor: ctx.env.GITHUB_ACTOR ?? "github-actions",
      runId,
      secrets,
      onEvent: progress.onEvent,
    });
    core.saveState(STATE.finished, "true");
    progress.flush(command === "plan" ? undefined : "unfinished");
    const backups = { ...progress.report.backups };
    for (const host of result.hosts) if (host.backup) backups[host.name] = host.backup;
    if (command !== "plan") {
      const outputs = actionOutputs(config, result, {
        previousRelease: before.previousRelease,
        backups,
        deployment: deployment?.id,
      });
      for (const [name, value] of Object.entries(outputs)) core.setOutput(name, ctx.redact(value));
    }
    await ctx.summary({
      result,
      previousRelease: before.previousRelease,
      backups,
      steps: progress.report.steps,
      diffs: progress.report.diffs,
    });
    await finishDeployment(ctx, deployment, result.ok, environmentUrl(config, result));
    if (!result.ok) {
      // "skipped": a rolling batch stopped before reaching the host, so it was not deployed either.
      const failed = result.hosts.filter((h) => h.status !== "ok" && h.status !== "changed");
      core.setFailed(
        ctx.redact(`${command} failed on ${failed.map((h) => `${h.name} (${h.error ?? h.status})`).join(", ")}`),
      );
    }
  } catch (error) {
    if (await reportConfigProblems(ctx, error)) return;
    const message = ctx.redact(error instanceof SlipwayError ? error.describe() : (error as Error).message);
    await ctx.summary({ error: message }).catch(() => undefined);
    await finishDeployment(ctx, deployment, false, ctx.config && environmentUrl(ctx.config));
    core.setFailed(message);
  }
}

/** The `ssh-private-key` input where the config's hosts read their key (ssh-key.ts), before any connection. */
async function placeSshKey(ctx: ActionContext, inputs: ActionInputs, config: SlipwayConfig): Promise<void> {
  if (inputs.sshPrivateKey) {
    const placement = keyPlacement(resolveHosts(config), dirname(resolve(inputs.config)));
    const written = await placeKey(inputs.sshPrivateKey, placement, ctx.env);
    for (const file of written) core.info(`wrote the SSH key to ${file} (0600)`);
    if (placement.hostsWithoutKey.length > 0) {
      core.warning(
        `hosts ${placement.hostsWithoutKey.join(", ")} set neither identity_file nor private_key_secret: the ssh-private-key input is not used for them`,
      );
    }
  }
}

/** The SSH key in place, every secret masked, the token where the runner's ghcr.io push reads it; the secrets. */
async function prepareRunner(
  ctx: ActionContext,
  inputs: ActionInputs,
  config: SlipwayConfig,
): Promise<Record<string, string>> {
  // The key first: a host's private_key_secret is then set like any other secret.
  await placeSshKey(ctx, inputs, config);
  exportRegistryToken(ctx.env, inputs.githubToken);
  ctx.mask(secretValues(config, [], ctx.env));
  const { values, missing } = resolveSecrets(config, ctx.env);
  if (missing.length > 0) {
    const names = missing.map((m) => `${m.name} (${m.usedBy.join(", ")})`).join("; ");
    if (inputs.command !== "plan") {
      throw new SlipwayError(`secrets not set: ${names}`, {
        step: "secrets",
        hint: "pass each one to the step in `env:`, from the repository or environment secrets",
      });
    }
    core.warning(`secrets not set (the plan shows them as missing): ${names}`);
  }
  return values;
}

/**
 * The `github-token` input where the runner's image push reads it: src/build/login.ts logs in to ghcr.io with
 * GITHUB_TOKEN, which the runner does not set for an action (it passes the token only as this input). An explicit
 * GITHUB_TOKEN in the step's `env:` wins. The token never reaches a host: hosts pull with their own login.
 */
export function exportRegistryToken(env: NodeJS.ProcessEnv, token: string | undefined): void {
  if (token && !env.GITHUB_TOKEN) env.GITHUB_TOKEN = token;
}

/** One GitHub deployment per run, for the commit that will serve (`ref`), marked in_progress. Best effort. */
async function createDeployment(
  ctx: ActionContext,
  inputs: ActionInputs,
  config: SlipwayConfig,
  ref: string | undefined,
): Promise<Deployment | undefined> {
  const run = runContextFromEnv(ctx.env);
  if (!inputs.githubToken || !run || !ref) return undefined;
  const client = deploymentsClient(inputs.githubToken, { ...run, sha: ref });
  try {
    const id = await client.create(
      inputs.environment ?? "production",
      `${inputs.command} ${config.app}${inputs.release ? ` to ${inputs.release}` : ""}`,
    );
    core.saveState(STATE.deploymentId, String(id));
    await client.status(id, "in_progress");
    return { client, id };
  } catch (error) {
    core.warning(`GitHub deployment not recorded: ${ctx.redact((error as Error).message)}`);
    return undefined;
  }
}

async function finishDeployment(
  ctx: ActionContext,
  deployment: Deployment | undefined,
  ok: boolean,
  url: string | undefined,
): Promise<void> {
  if (!deployment) return;
  try {
    await deployment.client.status(deployment.id, ok ? "success" : "failure", {
      environmentUrl: url,
      description: ok ? "deployed by slipway" : "slipway failed: see the job summary",
    });
  } catch (error) {
    core.warning(`GitHub deployment status not updated: ${ctx.redact((error as Error).message)}`);
  }
}
