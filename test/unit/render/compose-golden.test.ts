import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { composeProjectName, renderCompose } from "../../../src/render/compose.js";
import type { ComposeModel } from "../../../src/render/model.js";
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

describe("compose logging (D68)", () => {
  const base = composeScenarios["fastapi-flask-duckdb"] as ComposeModel;
  const withLogging = (logging: { maxSize: string; maxFiles: number }): ComposeModel => ({
    ...base,
    services: base.services.map((s) => ({ ...s, logging })),
  });

  it("bounds each service's json-file log: max-size and max-file as compose and docker read them", () => {
    const doc = parse(renderCompose(withLogging({ maxSize: "10m", maxFiles: 5 })));
    expect(doc.services.frontend.logging).toEqual({
      driver: "json-file",
      options: { "max-size": "10m", "max-file": "5" },
    });
  });

  it("refuses a size docker cannot read, naming the field", () => {
    expect(() => renderCompose(withLogging({ maxSize: "1.5G", maxFiles: 5 }))).toThrow(
      /services\.backend\.logging\.maxSize/,
    );
    expect(() => renderCompose(withLogging({ maxSize: "10m", maxFiles: 0 }))).toThrow(
      /services\.backend\.logging\.maxFiles/,
    );
  });
});
