/**
 * The bundles render templates/ from handlebars specs precompiled by scripts/precompile-templates.mjs (the source
 * compiles them at first use). Here the renderers run on the precompiled specs, exactly as in a bundle, and must write
 * the golden files byte for byte; the compile options must be the ones render/handlebars.ts uses.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { TEMPLATE_OPTIONS } from "../../../src/render/handlebars.js";
import { renderNginxFiles } from "../../../src/render/nginx.js";
import { precompiledTemplates } from "../../../src/render/precompiled-templates.js";
import { renderSystemdUnit } from "../../../src/render/systemd.js";
import { expectGolden } from "./golden.js";
import { nginxScenarios } from "./scenarios.js";
import { systemdScenarios } from "./systemd-scenarios.js";

const root = join(import.meta.dirname, "../../..");
const script = pathToFileURL(join(root, "scripts/precompile-templates.mjs")).href;

// Hoisted above the imports: it can use only what it imports itself.
vi.mock("../../../src/render/precompiled-templates.js", async () => {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  const url = await import("node:url");
  const top = path.join(import.meta.dirname, "../../..");
  const { precompiledTemplatesModule } = await import(
    url.pathToFileURL(path.join(top, "scripts/precompile-templates.mjs")).href
  );
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "slipway-precompiled-")), "templates.mjs");
  fs.writeFileSync(file, precompiledTemplatesModule(path.join(top, "templates")));
  return import(url.pathToFileURL(file).href);
});

describe("precompiled templates (the bundles' render path)", () => {
  it("holds every template under its name", () => {
    expect(Object.keys(precompiledTemplates)).toEqual([
      "nginx/site.conf.hbs",
      "nginx/upstream.conf.hbs",
      "systemd/service@.service.hbs",
    ]);
  });

  it("precompiles with render/handlebars.ts's options", async () => {
    const { TEMPLATE_OPTIONS: bundled } = await import(script);
    expect(bundled).toEqual(TEMPLATE_OPTIONS);
  });

  for (const [name, model] of Object.entries(nginxScenarios)) {
    it(`nginx ${name}: the golden file`, () => {
      const files = renderNginxFiles(model, `/etc/nginx/conf.d/slipway-${model.app}.conf`);
      expectGolden(`nginx/${name}.conf`, files.map((f) => `### ${f.path}\n${f.content}`).join("\n"));
    });
  }

  for (const [name, model] of Object.entries(systemdScenarios)) {
    it(`systemd ${name}: the golden file`, () => {
      expectGolden(`systemd/${name}.service`, renderSystemdUnit(model));
    });
  }
});
