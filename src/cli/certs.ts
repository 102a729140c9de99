/**
 * `slipway certs [config] [--env NAME]`: DESIGN step 11 on every host of slipway.yml (playbooks/certs.yml): the
 * certificate through the running nginx, renewal with a reload hook, then the HTTPS site. Idempotent.
 */
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { runPlaybookCommand } from "./_playbook-run.js";

/** Two levels up from src/cli/ and from the bundle's dist/cli/ alike. */
export const CERTS_PLAYBOOK = fileURLToPath(new URL("../../playbooks/certs.yml", import.meta.url));

export interface CertsCommandOptions {
  env?: string;
  check?: boolean;
  limit?: string;
  verbose?: boolean;
}

export function register(program: Command): void {
  program
    .command("certs")
    .description("get or renew TLS certificates through the running nginx, schedule renewal, install the HTTPS site")
    .argument("[config]", "slipway.yml", "slipway.yml")
    .option("--env <name>", "environment overlay of slipway.yml")
    .option("-C, --check", "show what would change, change nothing")
    .option("-l, --limit <pattern>", "only hosts matching this pattern")
    .option("-v, --verbose", "print every task's message")
    .action(async (config: string, options: CertsCommandOptions) => {
      process.exitCode = await runPlaybookCommand(CERTS_PLAYBOOK, {
        config,
        env: options.env,
        check: options.check,
        diff: options.check,
        limit: options.limit,
        verbose: options.verbose ?? true,
      });
    });
}
