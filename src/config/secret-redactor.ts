/**
 * The redactor for a run: every secret the config references (resolved from the environment) plus extra values the
 * caller holds (the SSH key, a token). The CLI and the Action both build theirs here, so they mask the same values.
 */
import { Redactor } from "../remote/redact.js";
import type { SlipwayConfig } from "./schema.js";
import { resolveSecrets } from "./secrets.js";

/** Every secret value of the run: `extra` first, then each resolved config secret; empty values left out. */
export function secretValues(
  config: SlipwayConfig | undefined,
  extra: ReadonlyArray<string | undefined>,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const values = new Set<string>();
  for (const value of extra) if (value !== undefined && value.trim() !== "") values.add(value);
  if (config) for (const value of Object.values(resolveSecrets(config, env).values)) values.add(value);
  return [...values];
}

/** A Redactor holding secretValues(config, extra, env) in all their encoded forms. */
export function redactorFor(
  config: SlipwayConfig | undefined,
  extra: ReadonlyArray<string | undefined> = [],
  env: NodeJS.ProcessEnv = process.env,
): Redactor {
  return new Redactor(secretValues(config, extra, env));
}
