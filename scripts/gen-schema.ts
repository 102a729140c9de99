/**
 * `npm run gen`: write schema/slipway.schema.json and docs/config.md from the zod schema (src/config/schema.ts).
 * Both files are checked in; test/unit/config/generated.test.ts fails when they are stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { generatedFiles } from "../src/config/generated.js";

const root = fileURLToPath(new URL("..", import.meta.url));
for (const [path, content] of Object.entries(generatedFiles())) {
  writeFileSync(`${root}${path}`, content);
  process.stdout.write(`wrote ${path}\n`);
}
