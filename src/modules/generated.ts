/** docs/modules.md from the built-in modules (written by `npm run gen`, checked by test/unit/modules/reference.test.ts). */
import { readFileSync } from "node:fs";
import { builtinModules } from "./index.js";
import { moduleSummary, renderModuleReference } from "./reference.js";

/** The module reference; `root` is the repository root, where each module's source (for its summary) is read. */
export function moduleReferenceFile(root: string): Record<string, string> {
  const summaryOf = (name: string) => moduleSummary(readFileSync(`${root}src/modules/${name}.ts`, "utf8"));
  return { "docs/modules.md": renderModuleReference(builtinModules, summaryOf) };
}
