import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { moduleReferenceFile } from "../../../src/modules/generated.js";
import { builtinModules } from "../../../src/modules/index.js";
import { moduleSummary, renderModuleReference } from "../../../src/modules/reference.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));

describe("docs/modules.md, generated from the modules' argument schemas", () => {
  it("is up to date (run `npm run gen` after changing a module's arguments)", () => {
    for (const [path, content] of Object.entries(moduleReferenceFile(root))) {
      expect(readFileSync(`${root}${path}`, "utf8"), path).toBe(content);
    }
  });

  it("lists every built-in module, each with a summary", () => {
    const text = moduleReferenceFile(root)["docs/modules.md"] ?? "";
    for (const module of builtinModules) {
      expect(text).toContain(`## \`${module.name}\`\n\n${module.name}: `);
    }
  });

  it("takes a module's summary from the first paragraph of its file's doc comment", () => {
    expect(moduleSummary("/**\n * copy: puts a file\n * on the host.\n *\n * More.\n */\nimport x;")).toBe(
      "copy: puts a file on the host.",
    );
    expect(moduleSummary("/** file: one line. */\n")).toBe("file: one line.");
    expect(moduleSummary("import x;\n/** late */")).toBe("");
  });

  it("renders arguments with type, default or required, the free form and renamed arguments", () => {
    const demo = {
      name: "demo",
      freeForm: "cmd",
      renamed: { old: "cmd" },
      argsSchema: z.object({ cmd: z.string(), times: z.number().int().default(1), tag: z.string().optional() }),
      run: async () => ({ status: "ok" as const }),
    };
    expect(renderModuleReference([demo], () => "demo: does it.").split("## `demo`")[1]).toBe(
      [
        "",
        "",
        "demo: does it.",
        "",
        "Free form: `demo: <text>` sets `cmd`.",
        "",
        "| argument | type | default |",
        "| --- | --- | --- |",
        "| `cmd` | string | **required** |",
        "| `times` | integer | `1` |",
        "| `tag` | string |  |",
        "",
        "Renamed (the old name still works, with a warning): `old` -> `cmd`.",
        "",
      ].join("\n"),
    );
  });
});
