/**
 * `slipway status`: what runs on each host (live release and color, units/containers of both colors, the live
 * color's health, the lock and its age, free disk, certificate expiry). Exit 0 when every host is healthy, 2 when a
 * host has a problem, 3 when a host could not be read (and none had a problem).
 */
import type { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { formatStatus } from "../deploy/status-format.js";
import { readStatus } from "../deploy/status-read.js";
import { EXIT } from "./_exit.js";
import { type ConfigFlags, configFile, configOptions, jsonOption, limitOption } from "./_options.js";
import type { CliRun } from "./_run.js";

interface StatusFlags extends ConfigFlags {
  limit: string[];
  json?: boolean;
}

export function register(program: Command, run: CliRun): void {
  const command = program
    .command("status")
    .description(
      "what runs on each host: release, color, units and health, lock, disk, certificate (exit 2: unhealthy)",
    );
  configOptions(command);
  limitOption(command);
  jsonOption(command, "print each host's status as JSON");
  command.action(async (flags: StatusFlags) => {
    const config = await loadConfig(configFile(undefined, flags, run, "status"), { environment: flags.env });
    run.addSecretsOf(config);
    const hosts = await readStatus(config, flags.limit);
    if (flags.json) run.json(hosts);
    else run.out(formatStatus(hosts));
    if (hosts.some((h) => !h.error && h.problems.length > 0)) process.exitCode = EXIT.hostFailed;
    else if (hosts.some((h) => h.error)) process.exitCode = EXIT.unreachable;
  });
}
