import { describe, expect, it } from "vitest";
import { commitCell, formatHistory, formatHostReleases } from "../../../src/deploy/releases.js";
import type { ReleaseRecord } from "../../../src/deploy/types.js";

const rec = (id: string, result: ReleaseRecord["result"], color: string, backup?: string): ReleaseRecord => ({
  id,
  commit: `${id[0]}`.repeat(40),
  images: {},
  time: `2026-11-2${id.slice(-1)}T10:00:00.000Z`,
  actor: "alice",
  result,
  color,
  ...(backup ? { backup } : {}),
});

describe("slipway releases", () => {
  const history = { releases: [rec("a1", "deployed", "blue"), rec("b2", "deployed", "green", "bk-2")] };

  it("lists newest first with the live release marked", () => {
    expect(formatHistory(history, "b2")).toEqual([
      `  * b2  deployed  green  2026-11-22T10:00:00.000Z  alice  commit bbbbbbbbbbbb  backup bk-2`,
      `    a1  deployed  blue   2026-11-21T10:00:00.000Z  alice  commit aaaaaaaaaaaa`,
    ]);
  });

  it("shows a release shipped with uncommitted changes as dirty", () => {
    const dirty = { ...rec("c3", "deployed", "blue"), commit: `${"c".repeat(40)}-dirty.5f3a2c1d9e` };
    expect(formatHistory({ releases: [dirty] }, "c3")).toEqual([
      "  * c3  deployed  blue  2026-11-23T10:00:00.000Z  alice  commit cccccccccccc-dirty.5f3a2c1d9e",
    ]);
    expect(commitCell("")).toBe("-");
    expect(commitCell("local")).toBe("commit local");
  });

  it("says when a host has none, and which hosts were unreachable", () => {
    expect(
      formatHostReleases([
        { name: "t1", live: { release: null, color: null, history: { releases: [] } } },
        { name: "t2", error: "connect ECONNREFUSED" },
      ]),
    ).toBe(["t1: live none on -", "  (no releases)", "t2: unreachable (connect ECONNREFUSED)"].join("\n"));
  });
});
