/**
 * Read-only walks over zod 4 schemas, through their public `_zod.def`: find the schema at a config path (for "did you
 * mean" suggestions) and list every field with its type, default and description (for docs/config.md).
 */
import type { z } from "zod";
import type { PathSegment } from "./yaml-positions.js";

type AnySchema = z.ZodType;
interface Def {
  type: string;
  innerType?: AnySchema;
  shape?: Record<string, AnySchema>;
  valueType?: AnySchema;
  keyType?: AnySchema;
  element?: AnySchema;
  options?: AnySchema[];
  in?: AnySchema;
  defaultValue?: unknown;
  entries?: Record<string, string | number>;
  values?: unknown[];
  catchall?: AnySchema;
}

export function defOf(schema: AnySchema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

const WRAPPERS = new Set(["optional", "default", "prefault", "nullable", "readonly", "catch", "nonoptional"]);

/** Strip optional/default/... wrappers, collecting the outermost description and default on the way. */
export function unwrap(schema: AnySchema): {
  inner: AnySchema;
  description?: string;
  defaultValue?: unknown;
  optional: boolean;
} {
  let current = schema;
  let description = schema.description;
  let defaultValue: unknown;
  let optional = false;
  for (;;) {
    const def = defOf(current);
    if (def.type === "default" || def.type === "prefault") {
      if (defaultValue === undefined)
        defaultValue =
          typeof def.defaultValue === "function" ? (def.defaultValue as () => unknown)() : def.defaultValue;
      optional = true;
    }
    if (def.type === "optional") optional = true;
    if (WRAPPERS.has(def.type) && def.innerType) {
      current = def.innerType;
    } else if (def.type === "pipe" && def.in) {
      current = def.in;
    } else {
      break;
    }
    description ??= current.description;
  }
  return { inner: current, description, defaultValue, optional };
}

/** The schema at `path`, following objects, records and arrays; undefined when the path leaves the schema. */
export function schemaAt(root: AnySchema, path: readonly PathSegment[]): AnySchema | undefined {
  let current: AnySchema | undefined = root;
  for (const segment of path) {
    if (!current) return undefined;
    let inner = unwrap(current).inner;
    let def = defOf(inner);
    if (def.type === "union") {
      const object = (def.options ?? []).map((o) => unwrap(o).inner).find((o) => defOf(o).type === "object");
      if (object) {
        inner = object;
        def = defOf(object);
      }
    }
    if (def.type === "object" && def.shape) current = def.shape[String(segment)];
    else if (def.type === "record") current = def.valueType;
    else if (def.type === "array") current = def.element;
    else return undefined;
  }
  return current;
}

/** The keys an object schema at `path` accepts (for "did you mean"). */
export function keysAt(root: AnySchema, path: readonly PathSegment[]): string[] {
  const schema = schemaAt(root, path);
  if (!schema) return [];
  const def = defOf(unwrap(schema).inner);
  return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

/** A short human type: "string", "integer", "list of string", "map of name to object", `"a" | "b"`. */
export function typeName(schema: AnySchema): string {
  const { inner } = unwrap(schema);
  const def = defOf(inner);
  switch (def.type) {
    case "object":
      return "object";
    case "array":
      return `list of ${def.element ? typeName(def.element) : "any"}`;
    case "record":
      return `map of ${def.valueType ? typeName(def.valueType) : "any"}`;
    case "enum":
      return Object.values(def.entries ?? {})
        .map((v) => JSON.stringify(v))
        .join(" | ");
    case "literal":
      return (def.values ?? []).map((v) => JSON.stringify(v)).join(" | ");
    case "union":
      return (def.options ?? []).map(typeName).join(" or ");
    case "number":
      return (inner as unknown as { isInt?: boolean }).isInt ? "integer" : "number";
    case "unknown":
    case "any":
      return "any";
    default:
      return def.type;
  }
}
