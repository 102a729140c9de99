/**
 * Tests mirror src (docs/architecture.md): the unit tests of `src/<part>/` live in `test/unit/<part>/`, so the tests of
 * a file are found by its path. A folder of test/unit/ that is no part of src/ must be listed here with what it
 * tests across parts; a part of src/ with no test folder fails.
 */
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");

/** test/unit folders that test across parts, with what they hold. */
const CROSS_CUTTING: Record<string, string> = {
  architecture: "rules over the whole tree: import layers, placement of remote calls, this layout",
  bench: "the benchmark harness and its statistics (bench/)",
  examples: "the example apps under examples/ (sources, images, Python suites)",
  newuser: "configs and runs a new user tried, replayed across config, render and deploy",
  playbooks: "the shipped playbooks under playbooks/",
  scripts: "the repository's own scripts under scripts/ (the e2e lane split)",
};

/** src files at the top that are parts of their own (layer 0) and are tested beside their users. */
const TOP_FILES_TESTED_ELSEWHERE: Record<string, string> = {
  "errors.ts": "the error kinds, tested by every part that throws them",
  "host-pattern.ts": "test/unit/host-pattern.test.ts",
  "suggest.ts": "test/unit/config/helpers.test.ts (its first user)",
};

const folders = (dir: string) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);

describe("test/unit mirrors src/", () => {
  const parts = folders(resolve(ROOT, "src"));
  const testFolders = folders(resolve(ROOT, "test/unit"));

  it("every test/unit folder is a part of src/ or a listed cross-cutting folder", () => {
    expect(testFolders.filter((f) => !parts.includes(f) && !(f in CROSS_CUTTING))).toEqual([]);
  });

  it("every part of src/ has its test folder", () => {
    expect(parts.filter((p) => !testFolders.includes(p))).toEqual([]);
  });

  it("every top-level src file is listed with where it is tested", () => {
    const files = readdirSync(resolve(ROOT, "src")).filter((f) => f.endsWith(".ts"));
    expect(files.sort()).toEqual(Object.keys(TOP_FILES_TESTED_ELSEWHERE).sort());
  });

  it("lists no cross-cutting folder that is gone", () => {
    expect(Object.keys(CROSS_CUTTING).filter((f) => !testFolders.includes(f))).toEqual([]);
  });
});
