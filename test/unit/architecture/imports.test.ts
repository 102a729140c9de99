/**
 * The import rules of docs/architecture.md: every relative import of src/ from one part (top-level folder, or
 * src/errors.ts) into another must be allowed by the layer table, or be one of the listed exceptions, each with its
 * reason. A listed exception that no file needs any more fails too, so the list only shrinks.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../../src");

/** Part -> the parts it may import (errors is always allowed). Mirrors the table in docs/architecture.md. */
const LOW = ["errors", "suggest", "host-pattern"];
const CORE = [...LOW, "commands", "remote", "verify", "config", "build", "render", "install"];
const SERVICES = [...CORE, "backup", "certs", "delivery", "lock"];
const ALLOWED: Record<string, readonly string[]> = {
  errors: [],
  suggest: [],
  "host-pattern": ["errors"],
  commands: LOW,
  remote: [...LOW, "commands"],
  verify: [...LOW, "commands"],
  config: [...LOW, "remote"],
  build: [...LOW, "commands", "remote"],
  render: [...LOW, "config"],
  install: [...LOW, "commands", "remote", "config", "render"],
  backup: CORE,
  certs: CORE,
  delivery: CORE,
  lock: [...LOW, "commands", "remote"],
  engine: [...LOW, "remote"],
  modules: [...SERVICES, "engine"],
  deploy: [...SERVICES, "engine", "modules"],
  cli: [...SERVICES, "engine", "modules", "deploy"],
  github: [...SERVICES, "engine", "modules", "deploy", "verify"],
};

/** Imports that break the layering today: `from-file -> to-part`, with the reason (docs/architecture.md). */
const EXCEPTIONS: Record<string, string> = {
  "config/load.ts -> render": "validate renders the config to find what only the renderers see (validate = deploy)",
  "github/inputs.ts -> cli": "the action parses version-env pairs with the CLI's parser",
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function partOf(file: string): string {
  return (
    relative(SRC, file)
      .split("/")[0]
      ?.replace(/\.(ts|js)$/, "") ?? ""
  );
}

/** Every `from "./x.js"` / `import("../y.js")` of a file, as `file -> part` edges across parts. */
function crossImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const from = partOf(file);
  // `from "./x.js"` (import and export), `import "./x.js"` (side effects), `import("./x.js")` (dynamic).
  const pattern = /(?:\bfrom\s+|\bimport\s*\(?\s*)"(\.{1,2}\/[^"]+)"/g;
  const specifiers = [...text.matchAll(pattern)].map((m) => m[1] as string);
  const edges = specifiers
    .map((specifier) => partOf(resolve(dirname(file), specifier)))
    .filter((to) => to !== from)
    .map((to) => `${relative(SRC, file)} -> ${to}`);
  return [...new Set(edges)];
}

const edges = sourceFiles(SRC).flatMap(crossImports);

describe("import rules (docs/architecture.md)", () => {
  it("knows every part of src/", () => {
    const parts = new Set(sourceFiles(SRC).map(partOf));
    expect([...parts].sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it("every import across parts is allowed by the layers or listed as an exception", () => {
    const broken = edges.filter((edge) => {
      const [file = "", to = ""] = edge.split(" -> ");
      return !ALLOWED[partOf(join(SRC, file))]?.includes(to) && !(edge in EXCEPTIONS);
    });
    expect(broken).toEqual([]);
  });

  it("every listed exception is still needed (fix one, delete its line)", () => {
    expect(Object.keys(EXCEPTIONS).filter((edge) => !edges.includes(edge))).toEqual([]);
  });

  it("nothing imports the entry points (cli, github) except the listed exceptions", () => {
    const intoEntry = edges.filter((e) => / -> (cli|github)$/.test(e) && !/^(cli|github)\//.test(e));
    expect(intoEntry.filter((e) => !(e in EXCEPTIONS))).toEqual([]);
  });
});
