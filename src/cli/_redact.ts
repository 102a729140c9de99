/**
 * The CLI's redactor: commands that load a config register its secrets here, and everything the CLI prints after that
 * (progress lines, --json, the error that ends the run) goes through it. One per process, like the output it guards.
 */
import type { SlipwayConfig } from "../config/schema.js";
import { secretValues } from "../config/secret-redactor.js";
import { Redactor } from "../remote/redact.js";

const redactor = new Redactor();

/** Masks every secret `config` references (resolved from the environment) from now on. Returns the redactor. */
export function redactSecretsOf(config: SlipwayConfig, env: NodeJS.ProcessEnv = process.env): Redactor {
  return redactor.addAll(secretValues(config, [], env));
}

/** The process's redactor (empty until a command registers secrets). */
export function cliRedactor(): Redactor {
  return redactor;
}

/** Writes one redacted line to stdout. */
export function printLine(line: string): void {
  process.stdout.write(`${redactor.redact(line)}\n`);
}

/** Writes one redacted line to stderr. */
export function printError(line: string): void {
  process.stderr.write(`${redactor.redact(line)}\n`);
}
