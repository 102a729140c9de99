/** `slipway releases`: each host's release history (releases.json), newest first, the live one marked `*`. */
import type { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { formatHostReleases, listReleases } from "../deploy/releases.js";
import { EXIT } from "./_exit.js";
import { type ConfigFlags, configFile, configOptions, jsonOption, limitOption } from "./_options.js";
import type { CliRun } from "./_run.js";

interface ReleasesFlags extends ConfigFlags {
  limit: string[];
  json?: boolean;
}

export function register(program: Command, run: CliRun): void {
  const command = program
    .command("releases")
    .description("list each host's releases (newest first; * = live) from <deploy_dir>/releases.json");
  configOptions(command, { positional: true });
  limitOption(command);
  jsonOption(command, "print the histories as JSON");
  command.action(async (positional: string | undefined, flags: ReleasesFlags) => {
    const config = await loadConfig(configFile(positional, flags, run, "releases"), { environment: flags.env });
    run.addSecretsOf(config);
    const hosts = await listReleases(config, flags.limit);
    if (flags.json) {
      run.json(
        hosts.map((h) => ({
          host: h.name,
          ...(h.live ? { live: h.live.release, color: h.live.color, releases: h.live.history.releases } : {}),
          ...(h.error ? { error: h.error } : {}),
        })),
      );
    } else {
      run.out(formatHostReleases(hosts));
    }
    // A host whose history could not be read was unreachable (connect) or failed reading it.
    if (hosts.some((h) => !h.live)) process.exitCode = EXIT.unreachable;
  });
}
