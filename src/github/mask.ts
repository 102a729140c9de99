/**
 * Every value that must never show in a log: the SSH key (whole and line by line, since the runner masks a multi-line
 * value only as a whole), the token, and every secret the config references, resolved from the environment.
 */

import type { SlipwayConfig } from "../config/schema.js";
import { resolveSecrets } from "../config/secrets.js";

/** Lines too short or too generic to be worth masking (they would garble unrelated output). */
const MIN_LINE = 8;
const PEM_FRAME = /^-----(BEGIN|END) [A-Z ]+-----$/;

export function secretValuesToMask(
  config: SlipwayConfig | undefined,
  extra: ReadonlyArray<string | undefined>,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const values = new Set<string>();
  const add = (value: string | undefined) => {
    if (value === undefined || value.trim() === "") return;
    values.add(value);
    if (value.includes("\n")) {
      for (const line of value.split(/\r?\n/)) {
        const t = line.trim();
        if (t.length >= MIN_LINE && !PEM_FRAME.test(t)) values.add(t);
      }
    }
  };
  for (const value of extra) add(value);
  if (config) for (const value of Object.values(resolveSecrets(config, env).values)) add(value);
  return [...values];
}
