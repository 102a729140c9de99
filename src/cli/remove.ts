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
import { EXIT } from "./_exit.js";
import { type ConfigFlags, checkOption, configFile, configOptions, limitOption } from "./_options.js";
import type { CliRun } from "./_run.js";
import { confirm } from "./deploy.js";

interface RemoveFlags extends ConfigFlags {
  limit: string[];
  purge?: boolean;
  check?: boolean;
  yes?: boolean;
}

export function register(program: Command, run: CliRun): void {
  const command = program
    .command("remove")
    .description("take the app off its hosts: processes, units, nginx site, deploy dir (backups and volumes stay)")
    .option("--purge", "also remove the backups, the named volumes (the data) and the accessories")
    .option("-y, --yes", "do not ask before removing (required without a terminal)");
  checkOption(limitOption(configOptions(command)), "list what would be removed, change nothing").action(
    async (flags: RemoveFlags) => {
      const config = await loadConfig(configFile(undefined, flags, run, "remove"), { environment: flags.env });
      run.addSecretsOf(config);
      const planned = await removeEverywhere(run, config, flags, true);
      if (planned !== EXIT.ok || flags.check) {
        process.exitCode = planned;
        return;
      }
      const what = flags.purge ? `${config.app} and its data` : config.app;
      if (!flags.yes && !process.stdin.isTTY) {
        run.err(`no terminal to ask on: pass --yes to remove ${what}`);
        process.exitCode = EXIT.usage;
        return;
      }
      if (!flags.yes && !(await confirm(`remove ${what}?`))) return;
      process.exitCode = await removeEverywhere(run, config, flags, false);
    },
  );
}

/** Runs removeApp on each chosen host, printing `host: line` per action; the exit code (a failed host: 2, else 3). */
async function removeEverywhere(run: CliRun, config: SlipwayConfig, flags: RemoveFlags, check: boolean) {
  const pool = new ConnectionPool();
  let code: number = EXIT.ok;
  try {
    for (const { resolved, host, error } of await connectAll(config, chosenHosts(config, flags.limit), pool)) {
      if (!host) {
        run.out(`${resolved.name}: unreachable (${error ?? "no connection"})`);
        if (code === EXIT.ok) code = EXIT.unreachable;
        continue;
      }
      try {
        const actions = await removeApp(host, config, { purge: flags.purge, check });
        for (const line of actions.length > 0 ? actions : ["nothing of the app is on this host"]) {
          run.out(`${resolved.name}: ${line}`);
        }
      } catch (e) {
        run.out(`${resolved.name}: ${e instanceof SlipwayError ? e.describe() : String(e)}`);
        code = EXIT.hostFailed;
      }
    }
  } finally {
    await pool.closeAll();
  }
  return code;
}
