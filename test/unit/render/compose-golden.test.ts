import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { composeProjectName, renderCompose } from "../../../src/render/compose.js";
import { composeScenarios } from "./compose-scenarios.js";
import { expectGolden } from "./golden.js";

describe("compose golden files", () => {
  for (const [name, model] of Object.entries(composeScenarios)) {
    it(`renders ${name} exactly`, () => {
      expectGolden(`compose/${name}.yml`, renderCompose(model));
    });
  }

  it("names one project per color", () => {
    expect(composeProjectName("duckapp", "green")).toBe("duckapp-green");
  });

  it("keeps values with $, quotes and backslashes literal after compose's interpolation", () => {
    const doc = parse(renderCompose(composeScenarios["fastapi-flask-duckdb"]!), { version: "1.1" });
    // `$$` is compose's escape for `$`; quotes and backslashes survive YAML unchanged.
    expect(doc.services.frontend.environment).toContain('SECRET_HINT=costs $$5 "quoted" \\ back');
  });
});
