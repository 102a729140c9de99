/**
 * `slipway certs [-c config] [--env NAME]`: DESIGN step 11 on every host of slipway.yml (playbooks/certs.yml): the
 * certificate through the running nginx, renewal with a reload hook, then the HTTPS site. Idempotent.
 */
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import {
  checkOption,
  configFile,
  configOptions,
  detailedExitcodeOption,
  extraVarsOption,
  jsonOption,
  limitOption,
} from "./_options.js";
import { type PlaybookCommandOptions, runPlaybookCommand } from "./_playbook-run.js";
import type { CliRun } from "./_run.js";

/** Two levels up from src/cli/ and from the bundle's dist/cli/ alike. */
export const CERTS_PLAYBOOK = fileURLToPath(new URL("../../playbooks/certs.yml", import.meta.url));

export function register(program: Command, run: CliRun): void {
  const command = program
    .command("certs")
    .description("get or renew TLS certificates through the running nginx, schedule renewal, install the HTTPS site");
  configOptions(command, { positional: true, extraVars: true });
  limitOption(command);
  checkOption(command);
  extraVarsOption(command);
  jsonOption(command, "print the run's recap and task outcomes as JSON on stdout (progress on stderr)");
  detailedExitcodeOption(command);
  command
    .option("-v, --verbose", "print every task's message")
    .action(async (positional: string | undefined, options: PlaybookCommandOptions) => {
      process.exitCode = await runPlaybookCommand(CERTS_PLAYBOOK, run, {
        ...options,
        config: configFile(positional, options, run, "certs"),
        diff: options.check,
        verbose: options.verbose ?? true,
      });
    });
}
