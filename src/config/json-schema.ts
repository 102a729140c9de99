/**
 * The JSON Schema of slipway.yml for editors (yaml-language-server, VS Code), generated from the zod schema. Overlays in
 * `environments.<name>` get a deep-partial copy of the root: every key optional, `null` allowed (it removes a key).
 */
import { z } from "zod";
import { slipwayFileSchema } from "./schema.js";

type Json = Record<string, unknown>;

export const JSON_SCHEMA_ID = "https://slipway.dev/schema/slipway.schema.json";

export function buildJsonSchema(): Json {
  const root = z.toJSONSchema(slipwayFileSchema, { io: "input", unrepresentable: "any" }) as Json;
  const properties = { ...(root.properties as Record<string, Json>) };
  const environments = properties.environments;
  const overlay = deepPartial({ ...root, properties: withoutKeys(properties, ["environments", "$schema"]) });
  delete overlay.$schema;
  delete overlay.description;
  overlay.description =
    "Keys deep-merged over the base config: mappings merge, lists and values replace, null removes.";
  if (environments) {
    properties.environments = { ...environments, additionalProperties: { $ref: "#/$defs/overlay" } };
  }
  return {
    $schema: root.$schema,
    $id: JSON_SCHEMA_ID,
    title: "slipway.yml",
    ...withoutKeys(root, ["$schema"]),
    properties,
    $defs: { ...((root.$defs as Json | undefined) ?? {}), overlay },
  };
}

function withoutKeys<T extends Json>(object: T, keys: string[]): T {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key))) as T;
}

/**
 * Copy of a schema node with no `required`, no `default`, and each property and map entry also accepting null (the
 * overlay merge removes a key set to null, e.g. `hosts: { t2: null }`). List items keep the full schema: an overlay's
 * list replaces the base list whole, so its items must be complete.
 */
function deepPartial(node: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "required" || key === "default") continue;
    if (key === "properties" && value && typeof value === "object") {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, Json>).map(([name, child]) => [name, nullable(deepPartial(child))]),
      );
    } else if (key === "additionalProperties" && value && typeof value === "object") {
      out.additionalProperties = nullable(deepPartial(value as Json));
    } else if ((key === "items" || key === "prefixItems") && value && typeof value === "object") {
      out[key] = value;
    } else if (Array.isArray(value)) {
      out[key] = value.map((item) => (item && typeof item === "object" ? deepPartial(item as Json) : item));
    } else if (value && typeof value === "object") {
      out[key] = deepPartial(value as Json);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function nullable(schema: Json): Json {
  return { anyOf: [schema, { type: "null" }] };
}
