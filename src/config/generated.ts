import { buildJsonSchema } from "./json-schema.js";
import { renderConfigReference } from "./reference.js";

/** The checked-in files generated from the schema, by path from the repository root. */
export function generatedFiles(): Record<string, string> {
  return {
    "schema/slipway.schema.json": `${JSON.stringify(buildJsonSchema(), null, 2)}\n`,
    "docs/config.md": renderConfigReference(),
  };
}
