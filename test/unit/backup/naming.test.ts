import { describe, expect, it } from "vitest";
import {
  backupFile,
  backupId,
  manifestFile,
  parseBackupId,
  releaseNames,
  safeRelease,
  utcStamp,
} from "../../../src/backup/naming.js";

describe("backup names", () => {
  const at = new Date("2026-01-02T03:04:05.678Z");

  it("stamps UTC time with milliseconds", () => {
    expect(utcStamp(at)).toBe("20260102T030405678Z");
  });

  it("names a backup by release and time", () => {
    expect(backupId("a1b2c3d", at)).toBe("a1b2c3d-20260102T030405678Z");
    expect(backupFile("/srv/app", "a1b2c3d-20260102T030405678Z", "sqlite3")).toBe(
      "/srv/app/backups/a1b2c3d-20260102T030405678Z.sqlite3",
    );
    expect(manifestFile("/srv/app/", "x-20260102T030405678Z")).toBe("/srv/app/backups/x-20260102T030405678Z.json");
  });

  it("keeps release names safe for file names", () => {
    expect(safeRelease("feature/x y'z")).toBe("feature_x_y_z");
    expect(safeRelease("../..")).toBe("unreleased");
    expect(safeRelease("")).toBe("unreleased");
    expect(safeRelease("--rm")).toBe("rm");
  });

  it("holds the release id as written, so grep of the release id finds its backup (trial 3)", () => {
    expect(backupId("ba6f0a6-20261130165844", at)).toBe("ba6f0a6-20261130165844-20260102T030405678Z");
    expect(parseBackupId("ba6f0a6-20261130165844-20260102T030405678Z")).toEqual({
      release: "ba6f0a6-20261130165844",
      stamp: "20260102T030405678Z",
    });
  });

  it("matches a release to its backups' names, the old `_` form included", () => {
    expect(releaseNames("ba6f0a6-20261130165844")).toEqual(["ba6f0a6-20261130165844", "ba6f0a6_20261130165844"]);
    expect(releaseNames("feature/x")).toEqual(["feature/x", "feature_x"]);
  });

  it("parses an id back, releases with dashes included", () => {
    expect(parseBackupId("v1-2-20260102T030405678Z")).toEqual({ release: "v1-2", stamp: "20260102T030405678Z" });
    expect(parseBackupId("nostamp")).toBeUndefined();
  });
});
