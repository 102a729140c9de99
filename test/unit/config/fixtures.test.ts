import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatIssue } from "../../../src/config/issues.js";
import { validateConfigText } from "../../../src/config/load.js";

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

describe("valid configs", () => {
  it.each(valid)("%s", (file) => {
    const result = validateConfigText(readFileSync(`${fixtures}valid/${file}`, "utf8"), file);
    expect(result.issues.map(formatIssue)).toEqual([]);
    expect(result.ok).toBe(true);
  });
});
