/** `slipway rollback`: back to an earlier release from each host's history (no rebuild). */
import type { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { rollback } from "../deploy/index.js";
import { UsageError } from "../errors.js";
import { newRunId } from "../lock/lock.js";
import { type ConfigFlags, configFile, lockWaitSeconds } from "./_options.js";
import type { CliRun } from "./_run.js";
import { planAskRun, runOptions } from "./deploy.js";
import { runSink } from "./deploy-events.js";

interface RollbackFlags extends ConfigFlags {
  limit: string[];
  to?: string;
  restoreDb?: boolean;
  drain?: string;
  yes?: boolean;
  check?: boolean;
  forceUnlock?: boolean;
  lockWait?: string;
  events?: boolean;
  json?: boolean;
  detailedExitcode?: boolean;
}

function drainSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  throw new UsageError(`--drain ${value}: expected a number of seconds`, { hint: "e.g. --drain 5" });
}

export function register(program: Command, run: CliRun): void {
  const command = program
    .command("rollback")
    .description("switch back to an earlier release (default: the one before the live one)")
    .option("--to <release>", "release id to go back to")
    .option("--restore-db", "also restore the database backup taken before the release being left was deployed")
    .option("--drain <seconds>", "seconds the old color keeps running after the switch");
  runOptions(command).action(async (positional: string | undefined, flags: RollbackFlags) => {
    const file = configFile(positional, flags, run, "rollback");
    const config = await loadConfig(file, { environment: flags.env });
    run.addSecretsOf(config);
    const progress = runSink(run, flags);
    const ctx = { run, json: flags.json, detailedExitcode: flags.detailedExitcode, interrupted: progress.interrupted };
    const common = {
      config,
      environment: flags.env,
      limit: flags.limit,
      to: flags.to,
      restoreDb: flags.restoreDb,
      drainSeconds: drainSeconds(flags.drain),
      forceUnlock: flags.forceUnlock,
      lockWaitSeconds: lockWaitSeconds(flags.lockWait),
      onEvent: progress.sink,
      redactor: run.redactor,
      runId: newRunId(),
    };
    await planAskRun((mode) => rollback({ ...common, ...mode }), flags, "roll back?", ctx);
  });
}
