import { describe, expect, it } from "vitest";
import { slipway } from "../../support/cli-in-process.js";

describe("backup restore: asks first, --yes like deploy/rollback/remove (no host reached)", () => {
  it("takes --yes; without a terminal and without --yes: exit 5, what to pass, nothing changed", async () => {
    expect((await slipway("backup", "restore", "--help")).stdout).toContain("-y, --yes");
    // The test's stdin is not a terminal: refused once slipway.yml is read, before any host is reached.
    const ran = await slipway(
      "backup",
      "restore",
      "abc-20260101T000000000Z",
      "-c",
      "examples/harvest/slipway.yml",
      "--env",
      "staging",
    );
    expect(ran.code).toBe(5);
    expect(ran.stderr).toContain("no terminal to ask on: pass --yes to restore backup abc-20260101T000000000Z");
    expect(ran.stderr).toContain("nothing was changed; a script that means it adds --yes");
  });
});
