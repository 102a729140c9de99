import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

const fixtures = join(import.meta.dirname, "../../fixtures/render");

/** Compares with test/fixtures/render/<name>; UPDATE_GOLDEN=1 rewrites the file instead (review the git diff). */
export function expectGolden(name: string, actual: string): void {
  const file = join(fixtures, name);
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, "utf8"));
}
