/**
 * `slipway remove [config]`: takes the app off its hosts (processes, units, nginx site, deploy dir). Backups, named
 * volumes and accessories stay unless `--purge`. Asks first unless `--yes`; `--check` only lists what would go.
 */
import type { Command } from "commander";
import { loadConfig, type SlipwayConfig } from "../config/index.js";
import { chosenHosts, connectAll } from "../deploy/connect.js";
import { removeApp } from "../deploy/remove-app.js";
import { SlipwayError } from "../errors.js";
import { ConnectionPool } from "../remote/index.js";
import { confirm } from "./deploy.js";

interface RemoveFlags {
  env?: string;
  limit: string[];
  purge?: boolean;
  check?: boolean;
  yes?: boolean;
}

export function register(program: Command): void {
  program
    .command("remove")
    .description("take the app off its hosts: processes, units, nginx site, deploy dir (backups and volumes stay)")
    .argument("[config]", "config file", "slipway.yml")
    .option("-e, --env <name>", "merge this environment's overlay")
    .option("--limit <host>", "only these hosts or groups (repeatable)", (v: string, all: string[]) => [...all, v], [])
    .option("--purge", "also remove the backups, the named volumes (the data) and the accessories")
    .option("--check", "list what would be removed, change nothing")
    .option("-y, --yes", "do not ask before removing")
    .action(async (file: string, flags: RemoveFlags) => {
      const config = await loadConfig(file, { environment: flags.env });
      const ok = await removeEverywhere(config, flags, true);
      if (!ok) process.exitCode = 1;
      if (flags.check || !ok) return;
      const what = flags.purge ? `${config.app} and its data` : config.app;
      if (!flags.yes && !process.stdin.isTTY) {
        process.stderr.write(`no terminal to ask on: pass --yes to remove ${what}\n`);
        process.exitCode = 1;
        return;
      }
      if (!flags.yes && !(await confirm(`remove ${what}?`))) return;
      if (!(await removeEverywhere(config, flags, false))) process.exitCode = 1;
    });
}

/** Runs removeApp on each chosen host, printing `host: line` per action; false when a host failed. */
async function removeEverywhere(config: SlipwayConfig, flags: RemoveFlags, check: boolean): Promise<boolean> {
  const pool = new ConnectionPool();
  const write = (line: string) => process.stdout.write(`${line}\n`);
  let ok = true;
  try {
    for (const { resolved, host, error } of await connectAll(config, chosenHosts(config, flags.limit), pool)) {
      if (!host) {
        write(`${resolved.name}: unreachable (${error ?? "no connection"})`);
        ok = false;
        continue;
      }
      try {
        const actions = await removeApp(host, config, { purge: flags.purge, check });
        for (const line of actions.length > 0 ? actions : ["nothing of the app is on this host"]) {
          write(`${resolved.name}: ${line}`);
        }
      } catch (e) {
        write(`${resolved.name}: ${e instanceof SlipwayError ? e.describe() : String(e)}`);
        ok = false;
      }
    }
  } finally {
    await pool.closeAll();
  }
  return ok;
}
