import { describe, it } from "vitest";
import { renderNginxFiles } from "../../../src/render/nginx.js";
import { expectGolden } from "./golden.js";
import { nginxScenarios } from "./scenarios.js";

describe("nginx golden files", () => {
  for (const [name, model] of Object.entries(nginxScenarios)) {
    it(`renders ${name} exactly`, () => {
      const files = renderNginxFiles(model, `/etc/nginx/conf.d/slipway-${model.app}.conf`);
      const joined = files.map((f) => `### ${f.path}\n${f.content}`).join("\n");
      expectGolden(`nginx/${name}.conf`, joined);
    });
  }
});
