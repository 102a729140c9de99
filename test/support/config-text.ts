/**
 * A slipway.yml written inline in a unit test, loaded the way `slipway` loads a file: written to a fresh temporary
 * directory (relative paths such as `build.context` resolve there), then `loadConfig`. The one helper for this, instead
 * of each test writing its own temp file.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LoadOptions, loadConfig, type SlipwayConfig } from "../../src/config/index.js";

/** Loads `text` as `<temp dir>/slipway.yml`; throws what loadConfig throws (ConfigError with file:line:col). */
export function loadConfigText(text: string, options: LoadOptions = {}): Promise<SlipwayConfig> {
  const file = join(mkdtempSync(join(tmpdir(), "slipway-config-")), "slipway.yml");
  writeFileSync(file, text);
  return loadConfig(file, options);
}
