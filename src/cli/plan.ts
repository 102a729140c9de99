/**
 * `slipway plan [PLAYBOOK]`: what would change on each host, changing nothing. With a playbook: the playbook in
 * check mode with every file diff. Without one: the deploy's own plan (`slipway deploy --check`).
 */
import type { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { deploy } from "../deploy/index.js";
import { UsageError } from "../errors.js";
import { newRunId } from "../lock/lock.js";
import { DEFAULT_CONFIG } from "./_options.js";
import { type PlaybookCommandOptions, runPlaybookCommand } from "./_playbook-run.js";
import type { CliRun } from "./_run.js";
import { deployOptionsFromFlags, finish } from "./deploy.js";
import { runSink } from "./deploy-events.js";
import { playbookOptions } from "./playbook.js";

type PlanFlags = PlaybookCommandOptions & { events?: boolean; releaseDir?: string };

/** The deploy's plan: every host in check mode, with diffs; the exit code says whether anything would change. */
async function planDeploy(run: CliRun, flags: PlanFlags): Promise<void> {
  const playbookOnly = (["inventory", "tags", "skipTags", "hook", "extraVars"] as const).filter(
    (key) => flags[key] !== undefined,
  );
  if (playbookOnly.length > 0) {
    throw new UsageError(`${playbookOnly.join(", ")}: only for a playbook's plan`, {
      hint: "give the playbook (slipway plan playbooks/bootstrap.yml ...), or drop the option to plan the deploy",
    });
  }
  const config = await loadConfig(flags.config ?? DEFAULT_CONFIG, { environment: flags.env });
  run.addSecretsOf(config);
  const progress = runSink(run, flags);
  const options = deployOptionsFromFlags(config, {
    env: flags.env,
    releaseDir: flags.releaseDir,
    limit: flags.limit ?? [],
    versionEnv: [],
    image: [],
  });
  const plan = await deploy({
    ...options,
    check: true,
    onEvent: progress.sink,
    redactor: run.redactor,
    runId: newRunId(),
  });
  finish(plan, { run, json: flags.json, detailedExitcode: flags.detailedExitcode, interrupted: progress.interrupted });
}

export function register(program: Command, run: CliRun): void {
  playbookOptions(
    program
      .command("plan")
      .description("show what would change on each host, changing nothing: a playbook's plan, or the deploy's")
      .argument("[playbook]", "playbook file (default: plan the deploy of slipway.yml)"),
  )
    .option("--events", "without a playbook: the deploy's progress as JSON events, one per line")
    .option("--release-dir <dir>", "without a playbook: local directory holding the service code, as deploy's")
    .action(async (playbook: string | undefined, options: PlanFlags) => {
      if (playbook === undefined) return planDeploy(run, options);
      process.exitCode = await runPlaybookCommand(playbook, run, { ...options, check: true, diff: true });
    });
}
