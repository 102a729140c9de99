/**
 * `slipway lock status [config]`: who holds each host's deploy lock. `slipway lock release [config]`: remove it
 * (printing whose it was); with `--run <id>` only a lock held by that run, after cleaning up what the run left
 * (nginx back on the recorded color, the unrouted idle color stopped).
 */
import type { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { cleanupAfterCancel, cleanupLines } from "../deploy/cleanup.js";
import { describeHolder } from "../deploy/lock.js";
import { formatLockStatus, lockStatus, releaseLocks } from "../deploy/lock-status.js";

interface LockFlags {
  env?: string;
  limit: string[];
  json?: boolean;
  run?: string;
}

const collect = (v: string, all: string[]) => [...all, v];

/** The config file, its environment and the hosts it applies to: what both lock subcommands take. */
function configAndHosts(command: Command): Command {
  return command
    .argument("[config]", "config file", "slipway.yml")
    .option("-e, --env <name>", "merge this environment's overlay")
    .option("--limit <host>", "only these hosts or groups (repeatable)", collect, []);
}

export function register(program: Command): void {
  const lock = program.command("lock").description("show or release the deploy lock on each host");
  const status = lock
    .command("status")
    .description("who holds each host's deploy lock (run id, pid, runner host, commit, since)");
  configAndHosts(status)
    .option("--json", "print the holders as JSON")
    .action(async (file: string, flags: LockFlags) => {
      const config = await loadConfig(file, { environment: flags.env });
      const locks = await lockStatus(config, flags.limit);
      process.stdout.write(`${flags.json ? JSON.stringify(locks, null, 2) : formatLockStatus(locks)}\n`);
      if (locks.some((l) => l.error)) process.exitCode = 1;
    });
  const release = lock
    .command("release")
    .description("remove each host's deploy lock (printing its holder); --run: only that run's, after its cleanup");
  configAndHosts(release)
    .option("--run <id>", "only a lock held by this run id; also stop the idle color nginx does not route to")
    .action(async (file: string, flags: LockFlags) => {
      const config = await loadConfig(file, { environment: flags.env });
      const write = (line: string) => process.stdout.write(`${line}\n`);
      if (flags.run) {
        const results = await cleanupAfterCancel({ config, runId: flags.run, limit: flags.limit, report: write });
        for (const line of cleanupLines(results)) write(line);
        if (results.some((r) => r.error)) process.exitCode = 1;
        return;
      }
      const released = await releaseLocks(config, flags.limit);
      for (const l of released) {
        if (l.error) write(`${l.host}: unreachable (${l.error})`);
        else write(`${l.host}: ${l.holder ? `released the lock held by ${describeHolder(l.holder)}` : "was free"}`);
      }
      if (released.some((l) => l.error)) process.exitCode = 1;
    });
}
