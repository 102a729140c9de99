import { describe, expect, it } from "vitest";
import { checkFreeSpace, dfArgv, formatBytes, parseDfAvailableBytes, saysDiskFull } from "../../../src/backup/space.js";

describe("free space", () => {
  it("reads df -P -k", () => {
    const out =
      "Filesystem     1024-blocks  Used Available Capacity Mounted on\ntmpfs                 1024     4      1020       1% /srv/app/backups\n";
    expect(parseDfAvailableBytes(out)).toBe(1020 * 1024);
    expect(parseDfAvailableBytes("garbage")).toBeUndefined();
    expect(dfArgv("/srv/app/backups")).toEqual(["df", "-P", "-k", "/srv/app/backups"]);
  });

  it("needs twice the last backup's size", () => {
    expect(checkFreeSpace(2000, 1000, "/b").ok).toBe(true);
    const verdict = checkFreeSpace(1024 * 1024, 600 * 1024, "/b");
    expect(verdict.ok).toBe(false);
    expect(verdict.neededBytes).toBe(1200 * 1024);
    expect(verdict.message).toBe("only 1.0 MiB free in /b, but a backup needs twice the last one's size (1.2 MiB)");
    expect(checkFreeSpace(0, 10, "/b", "the database file's size").message).toBe(
      "only 0 B free in /b, but a backup needs twice the database file's size (20 B)",
    );
  });

  it("has no requirement without a reference size", () => {
    expect(checkFreeSpace(0, undefined, "/b").ok).toBe(true);
    expect(formatBytes(3 * 1024 * 1024)).toBe("3.0 MiB");
  });

  it("recognises a full disk in a failed command's output", () => {
    expect(saysDiskFull("Error: stepping, database or disk is full (13)")).toBe(true);
    expect(saysDiskFull("cp: error writing '/b/x.part': No space left on device")).toBe(true);
    expect(saysDiskFull("gzip: stdout: Disk quota exceeded")).toBe(true);
    expect(saysDiskFull("Error: unable to open database file")).toBe(false);
  });
});
