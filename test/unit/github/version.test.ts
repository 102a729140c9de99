import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { CliRun } from "../../../src/cli/_run.js";
import { slipwayVersion } from "../../../src/cli/_version.js";
import { createProgram } from "../../../src/cli/main.js";

const own = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")).version as string;

describe("--version", () => {
  it("is Slipway's own version even when npm says the calling project's (npx slipway in a user's project)", () => {
    const saved = process.env.npm_package_version;
    process.env.npm_package_version = "9.9.9-the-users-app";
    try {
      expect(createProgram([], new CliRun()).version()).toBe(own);
    } finally {
      if (saved === undefined) delete process.env.npm_package_version;
      else process.env.npm_package_version = saved;
    }
  });

  it("a package.json that is not Slipway's is not believed", () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-version-"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "shop", version: "3.0.0" }));
    expect(slipwayVersion(pathToFileURL(join(dir, "package.json")))).toBe("unknown");
    expect(slipwayVersion(pathToFileURL(join(dir, "missing.json")))).toBe("unknown");
  });
});
