/** `slipway rollback [config]`: back to an earlier release from each host's history (no rebuild). */
import type { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { rollback } from "../deploy/index.js";
import { newRunId } from "../deploy/lock.js";
import { printError, printLine, redactSecretsOf } from "./_redact.js";
import { asker, finish } from "./deploy.js";
import { terminalSink } from "./deploy-events.js";

interface RollbackFlags {
  env?: string;
  limit: string[];
  to?: string;
  restoreDb?: boolean;
  drain?: string;
  yes?: boolean;
  check?: boolean;
  forceUnlock?: boolean;
  events?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("rollback")
    .description("switch back to an earlier release (default: the one before the live one)")
    .argument("[config]", "config file", "slipway.yml")
    .option("-e, --env <name>", "merge this environment's overlay")
    .option("--limit <host>", "only these hosts or groups (repeatable)", (v: string, all: string[]) => [...all, v], [])
    .option("--to <release>", "release id to go back to")
    .option("--restore-db", "also restore the database backup taken before the release being left was deployed")
    .option("--drain <seconds>", "seconds the old color keeps running after the switch")
    .option("--check", "print the plan only, change nothing")
    .option("--force-unlock", "remove a stale deploy lock (its holder is printed) instead of failing")
    .option("-y, --yes", "do not ask before acting")
    .option("--json", "progress on stderr, the result as JSON on stdout")
    .option("--events", "progress as JSON events (src/deploy/events.ts), one per line")
    .action(async (file: string, flags: RollbackFlags) => {
      const config = await loadConfig(file, { environment: flags.env });
      redactSecretsOf(config);
      const common = {
        config,
        environment: flags.env,
        limit: flags.limit,
        to: flags.to,
        restoreDb: flags.restoreDb,
        drainSeconds: flags.drain === undefined ? undefined : Number(flags.drain),
        forceUnlock: flags.forceUnlock,
        onEvent: terminalSink(flags.json ? printError : printLine, flags.events),
        runId: newRunId(),
      };
      if (flags.check) return finish(await rollback({ ...common, check: true }), flags.json);
      // One pass: the plan, the question, then the run on the same connections and facts.
      const { ask, state } = asker(flags.yes, "roll back?");
      const result = await rollback({ ...common, confirm: ask });
      if (!state.declined) finish(result, flags.json);
    });
}
