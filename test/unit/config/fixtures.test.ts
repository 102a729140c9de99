import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatIssue } from "../../../src/config/issues.js";
import { validateConfigText } from "../../../src/config/load.js";
import { renderFromConfig } from "../../../src/render/from-config/index.js";

const fixtures = fileURLToPath(new URL("../../fixtures/config/", import.meta.url));
const invalid = readdirSync(`${fixtures}invalid`)
  .filter((f) => f.endsWith(".yml"))
  .sort();
const valid = readdirSync(`${fixtures}valid`)
  .filter((f) => f.endsWith(".yml"))
  .sort();

describe("invalid configs: every issue, with file:line:col, matches the sibling .expected file", () => {
  it("has at least 30 of them", () => {
    expect(invalid.length).toBeGreaterThanOrEqual(30);
  });

  it.each(invalid)("%s", (file) => {
    const text = readFileSync(`${fixtures}invalid/${file}`, "utf8");
    const expected = readFileSync(`${fixtures}invalid/${file.replace(/\.yml$/, ".expected")}`, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "");
    const result = validateConfigText(text, file);
    expect(result.ok).toBe(false);
    expect(result.issues.map(formatIssue)).toEqual(expected);
    for (const line of expected) expect(line).toMatch(/^[\w.-]+\.yml:\d+:\d+: /);
  });
});

describe("valid configs: accepted, and every file renders for every environment, color and certificate state", () => {
  it("with the invalid ones, a corpus of at least 40", () => {
    expect(valid.length + invalid.length).toBeGreaterThanOrEqual(40);
  });

  it.each(valid)("%s", (file) => {
    const result = validateConfigText(readFileSync(`${fixtures}valid/${file}`, "utf8"), file);
    expect(result.issues.map(formatIssue)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.configs).toHaveLength(1 + result.environments.length);
    for (const config of result.configs) {
      for (const color of ["blue", "green"] as const) {
        for (const tlsReady of [false, true]) {
          const images = Object.fromEntries(
            Object.keys(config.services).map((name) => [name, `registry/${name}@sha256:${"0".repeat(64)}`]),
          );
          const files = renderFromConfig(config, { color, tlsReady, images });
          expect(files.length, `${config.environment ?? "base"} ${color}`).toBeGreaterThan(0);
        }
      }
    }
  });
});
