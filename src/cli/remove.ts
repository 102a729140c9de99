/**
 * `slipway remove -c slipway.yml`: takes the app off its hosts (processes, units, nginx site, deploy dir). Backups,
 * named volumes and accessories stay unless `--purge`. Lists what would go first, then asks (a removal is not undone,
 * so without a terminal `--yes` is required); `--check` only lists.
 */
import type { Command } from "commander";
import { loadConfig, type SlipwayConfig } from "../config/index.js";
import { chosenHosts, connectAll } from "../deploy/connect.js";
import { removeApp } from "../deploy/remove-app.js";
import { SlipwayError } from "../errors.js";
import { ConnectionPool } from "../remote/index.js";
import { exitCodeForOutcome } from "./_exit.js";
import { type ConfigFlags, checkOption, configFile, configOptions, limitOption, yesOption } from "./_options.js";
import type { CliRun } from "./_run.js";
import { confirmIrreversible } from "./deploy.js";

interface RemoveFlags extends ConfigFlags {
  limit: string[];
  purge?: boolean;
  check?: boolean;
  yes?: boolean;
}

export function register(program: Command, run: CliRun): void {
  const command = program
    .command("remove")
    .description("take the app off its hosts: processes, units, nginx site, deploy dir (backups and volumes stay)");
  configOptions(command, { positional: true });
  limitOption(command);
  checkOption(command, "list what would be removed, change nothing");
  yesOption(command, "do not ask before removing (required when stdin is not a terminal)");
  command
    .option("--purge", "also remove the backups, the named volumes (the data) and the accessories")
    .action(async (positional: string | undefined, flags: RemoveFlags) => {
      const config = await loadConfig(configFile(positional, flags, run, "remove"), { environment: flags.env });
      run.addSecretsOf(config);
      const planned = await removeEverywhere(config, flags, true, run);
      process.exitCode = exitCodeForOutcome(planned);
      if (flags.check || process.exitCode !== 0) return;
      const what = flags.purge ? `${config.app} and its data` : config.app;
      if (!(await confirmIrreversible(flags.yes, `remove ${what}?`, `remove ${what}`))) return;
      process.exitCode = exitCodeForOutcome(await removeEverywhere(config, flags, false, run));
    });
}

/** Runs removeApp on each chosen host, printing `host: line` per action; counts the hosts that failed or were unreachable. */
async function removeEverywhere(config: SlipwayConfig, flags: RemoveFlags, check: boolean, run: CliRun) {
  const pool = new ConnectionPool({ redactor: run.redactor });
  const outcome = { failed: 0, unreachable: 0, changed: 0 };
  try {
    for (const { resolved, host, error } of await connectAll(config, chosenHosts(config, flags.limit), pool)) {
      if (!host) {
        run.out(`${resolved.name}: unreachable (${error ?? "no connection"})`);
        outcome.unreachable++;
        continue;
      }
      try {
        const actions = await removeApp(host, config, { purge: flags.purge, check });
        if (actions.length > 0) outcome.changed++;
        for (const line of actions.length > 0 ? actions : ["nothing of the app is on this host"]) {
          run.out(`${resolved.name}: ${line}`);
        }
      } catch (e) {
        run.out(`${resolved.name}: ${e instanceof SlipwayError ? e.describe() : String(e)}`);
        outcome.failed++;
      }
    }
  } finally {
    await pool.closeAll();
  }
  return outcome;
}
