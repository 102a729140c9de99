/**
 * Every key of the config schema does something: some code other than the schema itself reads it. The test walks
 * the schema (objects, records, arrays, unions) and looks for each key's name read as a property (`.key`, `["key"]`
 * or destructured `{ key } =`) in src/, leaving out the files that only define, document or validate the schema.
 * Config code that consumes keys (config/inventory.ts turning inventory.ssh into SSH targets) counts as a reader.
 *
 * A key name is searched as a name, not with its path: a generic name (`hosts`, `path`) read for one key hides an
 * unread key of the same name elsewhere. The keys nothing reads today are listed below with the reason, so they
 * are visible work; a listed key that becomes read fails the test until its line is deleted.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { slipwayConfigSchema } from "../../../src/config/schema.js";
import { defOf, unwrap } from "../../../src/config/schema-walk.js";

const SRC = resolve(import.meta.dirname, "../../../src");

/** Files that define, document or validate the schema: a key read only here does nothing at deploy time. */
const NOT_READERS =
  /^config\/(schema\/|schema\.ts|schema-walk\.ts|reference\.ts|generated\.ts|json-schema\.ts|issues\.ts|suggest\.ts|yaml-positions\.ts|describe-value\.ts)/;

/** Keys no code reads today, each with why. Delete a line when the key gets a reader. */
const UNREAD: Record<string, string> = {
  $schema: "the editor's pointer to schema/slipway.schema.json; Slipway itself has no use for it",
  "hooks.before_switch.[].run_once":
    'a task keyword the engine\'s task parser reads (engine/parse/task.ts `case "run_once"`), like when/register',
  "hooks.after_switch.[].run_once":
    'a task keyword the engine\'s task parser reads (engine/parse/task.ts `case "run_once"`), like when/register',
  "hooks.on_failure.[].run_once":
    'a task keyword the engine\'s task parser reads (engine/parse/task.ts `case "run_once"`), like when/register',
  "hooks.on_rollback.[].run_once":
    'a task keyword the engine\'s task parser reads (engine/parse/task.ts `case "run_once"`), like when/register',
};

type Schema = z.ZodType;

/** Every key path of the schema: `services.*.health.path` (`*` a record's name, `[]` a list item). */
function keyPaths(schema: Schema, path: string[] = [], out = new Set<string>()): Set<string> {
  const def = defOf(unwrap(schema).inner);
  if (def.type === "object" && def.shape) {
    for (const [key, value] of Object.entries(def.shape)) {
      out.add([...path, key].join("."));
      keyPaths(value, [...path, key], out);
    }
  } else if (def.type === "record" && def.valueType) keyPaths(def.valueType, [...path, "*"], out);
  else if (def.type === "array" && def.element) keyPaths(def.element, [...path, "[]"], out);
  else if (def.type === "union") for (const option of def.options ?? []) keyPaths(option, path, out);
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const readers = sourceFiles(SRC)
  .filter((file) => !NOT_READERS.test(relative(SRC, file)))
  .map((file) => readFileSync(file, "utf8"))
  .join("\n");

function isRead(key: string): boolean {
  const name = (key.split(".").pop() ?? key).replace(/[$]/g, "\\$");
  return new RegExp(`\\.${name}\\b|\\["${name}"\\]|\\{[^}]*\\b${name}\\b[^}]*\\}\\s*=`).test(readers);
}

const keys = [...keyPaths(slipwayConfigSchema)];

describe("config keys (src/config/schema)", () => {
  it("walks the whole schema", () => {
    expect(keys).toContain("services.*.health.request_timeout");
    expect(keys).toContain("inventory.hosts.*.address");
    expect(keys.length).toBeGreaterThan(150);
  });

  it("every key is read by code outside the schema, or listed as unread with the reason", () => {
    expect(keys.filter((key) => !isRead(key) && !(key in UNREAD))).toEqual([]);
  });

  it("every key listed as unread still is (delete the line of a key that got a reader)", () => {
    expect(Object.keys(UNREAD).filter((key) => !keys.includes(key) || isRead(key))).toEqual([]);
  });
});
