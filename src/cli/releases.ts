/** `slipway releases [config]`: each host's release history (releases.json), newest first, the live one marked `*`. */
import type { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { formatHostReleases, listReleases } from "../deploy/releases.js";

interface ReleasesFlags {
  env?: string;
  limit: string[];
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("releases")
    .description("list each host's releases (newest first; * = live) from <deploy_dir>/releases.json")
    .argument("[config]", "config file", "slipway.yml")
    .option("-e, --env <name>", "merge this environment's overlay")
    .option("--limit <host>", "only these hosts or groups (repeatable)", (v: string, all: string[]) => [...all, v], [])
    .option("--json", "print the histories as JSON")
    .action(async (file: string, flags: ReleasesFlags) => {
      const config = await loadConfig(file, { environment: flags.env });
      const hosts = await listReleases(config, flags.limit);
      const text = flags.json
        ? JSON.stringify(
            hosts.map((h) => ({
              host: h.name,
              ...(h.live ? { live: h.live.release, color: h.live.color, releases: h.live.history.releases } : {}),
              ...(h.error ? { error: h.error } : {}),
            })),
            null,
            2,
          )
        : formatHostReleases(hosts);
      process.stdout.write(`${text}\n`);
      if (hosts.some((h) => !h.live)) process.exitCode = 1;
    });
}
