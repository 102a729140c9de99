/**
 * `slipway lock status`: who holds each host's deploy lock. `slipway lock release`: remove it
 * (printing whose it was); with `--run <id>` only a lock held by that run, after cleaning up what the run left
 * (nginx back on the recorded color, the unrouted idle color stopped).
 */
import type { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { cleanupAfterCancel, cleanupLines } from "../deploy/cleanup.js";
import { formatLockStatus, lockStatus, releaseLocks } from "../deploy/lock-status.js";
import { describeHolder } from "../lock/lock.js";
import { EXIT } from "./_exit.js";
import { type ConfigFlags, configFile, configOptions, jsonOption, limitOption } from "./_options.js";
import type { CliRun } from "./_run.js";

interface LockFlags extends ConfigFlags {
  limit: string[];
  json?: boolean;
  run?: string;
}

/** The config file, its environment and the hosts it applies to: what both lock subcommands take. */
function configAndHosts(command: Command): Command {
  return limitOption(configOptions(command, { positional: true }));
}

async function configOf(positional: string | undefined, flags: LockFlags, run: CliRun, sub: string) {
  const config = await loadConfig(configFile(positional, flags, run, `lock ${sub}`), { environment: flags.env });
  run.addSecretsOf(config);
  return config;
}

export function register(program: Command, run: CliRun): void {
  const lock = program.command("lock").description("show or release the deploy lock on each host");
  const status = lock
    .command("status")
    .description("who holds each host's deploy lock (run id, pid, runner host, commit, since)");
  jsonOption(configAndHosts(status), "print the holders as JSON").action(
    async (positional: string | undefined, flags: LockFlags) => {
      const locks = await lockStatus(await configOf(positional, flags, run, "status"), flags.limit);
      if (flags.json) run.json(locks);
      else run.out(formatLockStatus(locks));
      if (locks.some((l) => l.error)) process.exitCode = EXIT.unreachable;
    },
  );
  const release = lock
    .command("release")
    .description("remove each host's deploy lock (printing its holder); --run: only that run's, after its cleanup");
  configAndHosts(release)
    .option("--run <id>", "only a lock held by this run id; also stop the idle color nginx does not route to")
    .action(async (positional: string | undefined, flags: LockFlags) => {
      const config = await configOf(positional, flags, run, "release");
      const write = run.out;
      if (flags.run) {
        const results = await cleanupAfterCancel({ config, runId: flags.run, limit: flags.limit, report: write });
        for (const line of cleanupLines(results)) write(line);
        if (results.some((r) => r.error)) process.exitCode = EXIT.hostFailed;
        return;
      }
      const released = await releaseLocks(config, flags.limit);
      for (const l of released) {
        if (l.error) write(`${l.host}: unreachable (${l.error})`);
        else write(`${l.host}: ${l.holder ? `released the lock held by ${describeHolder(l.holder)}` : "was free"}`);
      }
      if (released.some((l) => l.error)) process.exitCode = EXIT.unreachable;
    });
}
