/**
 * Entry of actions/deploy (dist/deploy/index.js): inputs -> masks -> config -> SSH key -> validate | plan | deploy |
 * rollback -> outputs, job summary, GitHub deployment status. Every message leaving the process is redacted.
 */

import { dirname, resolve } from "node:path";
import * as core from "@actions/core";
import { runValidate } from "../cli/validate.js";
import { resolveHosts } from "../config/inventory.js";
import { loadConfig } from "../config/load.js";
import type { SlipwayConfig } from "../config/schema.js";
import { secretValues } from "../config/secret-redactor.js";
import { resolveSecrets } from "../config/secrets.js";
import type { DeployResult } from "../deploy/types.js";
import { SlipwayError } from "../errors.js";
import { Redactor } from "../remote/redact.js";
import { type DeploymentsClient, deploymentsClient, runContextFromEnv } from "./deployments.js";
import { deployEngine, type Engine } from "./engine.js";
import { type ActionInputs, readInputs } from "./inputs.js";
import { actionOutputs, environmentUrl } from "./outputs.js";
import { keyPlacement, placeKey } from "./ssh-key.js";
import { backupsTaken, type SummaryInput, summaryMarkdown } from "./summary.js";

export interface DeployActionDeps {
  engine?: Engine;
  env?: NodeJS.ProcessEnv;
}

export async function runDeployAction(deps: DeployActionDeps = {}): Promise<void> {
  const env = deps.env ?? process.env;
  const redactor = new Redactor();
  // Every encoded form goes to the runner's mask too, so lines printed by child processes are masked as well.
  const mask = (values: string[]) => {
    const before = new Set(redactor.forms());
    redactor.addAll(values);
    for (const form of redactor.forms()) if (!before.has(form)) core.setSecret(form);
  };
  let inputs: ActionInputs | undefined;
  let config: SlipwayConfig | undefined;
  let deployment: { client: DeploymentsClient; id: number } | undefined;
  const summary = async (input: Omit<SummaryInput, "redact" | "app" | "command">) => {
    if (!env.GITHUB_STEP_SUMMARY) return; // outside Actions (a local run): the log is the report
    await core.summary
      .addRaw(
        summaryMarkdown({
          ...input,
          command: inputs?.command ?? "deploy",
          app: config?.app ?? inputs?.config ?? "slipway",
          environment: inputs?.environment,
          redact: (t) => redactor.redact(t),
        }),
      )
      .write();
  };

  try {
    inputs = readInputs((name) => core.getInput(name));
    mask(secretValues(undefined, [inputs.sshPrivateKey, inputs.githubToken], env));

    if (inputs.command === "validate") {
      const out = await runValidate(inputs.config, { env: inputs.environment });
      for (const line of out.stdout) core.info(redactor.redact(line));
      for (const line of out.stderr) core.error(redactor.redact(line));
      await summary({
        notes: [...out.stdout, ...out.stderr],
        error: out.exitCode === 0 ? undefined : "invalid config",
      });
      if (out.exitCode !== 0) core.setFailed(`${inputs.config} is not valid`);
      return;
    }

    config = await loadConfig(inputs.config, { environment: inputs.environment });
    // The key first: a host's private_key_secret is then set like any other secret.
    if (inputs.sshPrivateKey) {
      const placement = keyPlacement(resolveHosts(config), dirname(resolve(inputs.config)));
      const written = await placeKey(inputs.sshPrivateKey, placement, env);
      for (const file of written) core.info(`wrote the SSH key to ${file} (0600)`);
      if (placement.hostsWithoutKey.length > 0) {
        core.warning(
          `hosts ${placement.hostsWithoutKey.join(", ")} set neither identity_file nor private_key_secret: the ssh-private-key input is not used for them`,
        );
      }
    }

    mask(secretValues(config, [], env));
    const { values: secrets, missing } = resolveSecrets(config, env);
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

    const run = runContextFromEnv(env);
    if (inputs.command !== "plan" && inputs.githubToken && run) {
      const client = deploymentsClient(inputs.githubToken, run);
      try {
        const id = await client.create(
          inputs.environment ?? "production",
          `${inputs.command} ${config.app}${inputs.release ? ` to ${inputs.release}` : ""}`,
        );
        await client.status(id, "in_progress");
        deployment = { client, id };
      } catch (error) {
        core.warning(`GitHub deployment not recorded: ${redactor.redact((error as Error).message)}`);
      }
    }

    const progress: string[] = [];
    const result: DeployResult = await (deps.engine ?? deployEngine)({
      command: inputs.command,
      config,
      environment: inputs.environment,
      release: inputs.release,
      restoreDb: inputs.restoreDb,
      commit: env.GITHUB_SHA,
      secrets,
      reporter: (line) => {
        progress.push(line);
        core.info(redactor.redact(line));
      },
    });

    if (inputs.command !== "plan") {
      const outputs = actionOutputs(config, result);
      core.setOutput("release", redactor.redact(outputs.release));
      core.setOutput("url", redactor.redact(outputs.url));
      core.setOutput("images", redactor.redact(outputs.images));
    }
    await summary({ result, backups: backupsTaken(result, progress) });
    await finishDeployment(deployment, result.ok, environmentUrl(config, result), redactor);
    if (!result.ok) {
      // "skipped": a rolling batch stopped before reaching the host, so it was not deployed either.
      const failed = result.hosts.filter((h) => h.status !== "ok" && h.status !== "changed");
      core.setFailed(
        redactor.redact(
          `${inputs.command} failed on ${failed.map((h) => `${h.name} (${h.error ?? h.status})`).join(", ")}`,
        ),
      );
    }
  } catch (error) {
    const message = redactor.redact(error instanceof SlipwayError ? error.describe() : (error as Error).message);
    await summary({ error: message }).catch(() => undefined);
    await finishDeployment(deployment, false, config && environmentUrl(config), redactor);
    core.setFailed(message);
  }
}

async function finishDeployment(
  deployment: { client: DeploymentsClient; id: number } | undefined,
  ok: boolean,
  url: string | undefined,
  redactor: Redactor,
): Promise<void> {
  if (!deployment) return;
  try {
    await deployment.client.status(deployment.id, ok ? "success" : "failure", {
      environmentUrl: url,
      description: ok ? "deployed by slipway" : "slipway failed: see the job summary",
    });
  } catch (error) {
    core.warning(`GitHub deployment status not updated: ${redactor.redact((error as Error).message)}`);
  }
}
