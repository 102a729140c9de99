/**
 * `slipway maintenance on|off|status`: nginx answers every route of the app with a 503 page and `Retry-After` (health
 * paths and ACME challenges excepted) while on. No reload (but for a changed `--retry-after`); a deploy keeps it as
 * it is. Exit 2 when a host failed, 3 when one could not be reached.
 */
import type { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { formatMaintenance, type MaintenanceAction, setMaintenance } from "../deploy/maintenance.js";
import { UsageError } from "../errors.js";
import { DEFAULT_RETRY_AFTER_SECONDS } from "../render/nginx-maintenance.js";
import { EXIT } from "./_exit.js";
import {
  type ConfigFlags,
  configFile,
  configOptions,
  durationFlagSeconds,
  jsonOption,
  limitOption,
} from "./_options.js";
import type { CliRun } from "./_run.js";

interface MaintenanceFlags extends ConfigFlags {
  limit: string[];
  json?: boolean;
  retryAfter?: string;
}

const ACTIONS: readonly MaintenanceAction[] = ["on", "off", "status"];

export function register(program: Command, run: CliRun): void {
  const command = program
    .command("maintenance")
    .argument("<on|off|status>", "on: answer every route with 503 and Retry-After; off: serve the app again")
    .description("put up or take down the maintenance page on each nginx host (health paths stay open)");
  configOptions(command);
  limitOption(command);
  jsonOption(command, "print each host's maintenance state as JSON");
  command.option(
    "--retry-after <duration>",
    `on: what the page's Retry-After tells clients to wait ("10m", "1h"; default ${DEFAULT_RETRY_AFTER_SECONDS}s)`,
  );
  command.action(async (action: string, flags: MaintenanceFlags) => {
    if (!ACTIONS.includes(action as MaintenanceAction)) {
      throw new UsageError(`maintenance ${action}: expected on, off or status`, {
        hint: "slipway maintenance on | off | status",
      });
    }
    const retryAfter = durationFlagSeconds(flags.retryAfter, "--retry-after", "10m (clients retry after ten minutes)");
    if (retryAfter === 0) {
      throw new UsageError("--retry-after must be at least 1s", { hint: "slipway maintenance on --retry-after 10m" });
    }
    if (retryAfter !== undefined && action !== "on") {
      throw new UsageError(`--retry-after is a setting of maintenance on, not ${action}`, {
        hint: "slipway maintenance on --retry-after 10m",
      });
    }
    const config = await loadConfig(configFile(undefined, flags, run, "maintenance"), { environment: flags.env });
    run.addSecretsOf(config);
    const results = await setMaintenance(config, action as MaintenanceAction, flags.limit, retryAfter);
    if (flags.json) run.json(results);
    else run.out(formatMaintenance(results));
    if (results.some((r) => r.error && !r.unreachable)) process.exitCode = EXIT.hostFailed;
    else if (results.some((r) => r.error)) process.exitCode = EXIT.unreachable;
  });
}
