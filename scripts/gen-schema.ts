/**
 * `npm run gen`: write schema/slipway.schema.json and docs/config.md from the zod schema (src/config/schema.ts), and
 * docs/modules.md from the modules' argument schemas. All are checked in; test/unit/config/generated.test.ts and
 * test/unit/modules/reference.test.ts fail when they are stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { generatedFiles } from "../src/config/generated.js";
import { moduleReferenceFile } from "../src/modules/generated.js";

const root = fileURLToPath(new URL("..", import.meta.url));
for (const [path, content] of Object.entries({ ...generatedFiles(), ...moduleReferenceFile(root) })) {
  writeFileSync(`${root}${path}`, content);
  process.stdout.write(`wrote ${path}\n`);
}
