import { describe, expect, it } from "vitest";
import { selectForPruning } from "../../../src/backup/retention.js";
import type { BackupManifest } from "../../../src/backup/types.js";

function manifest(release: string, minute: number): BackupManifest {
  const createdAt = new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
  return {
    id: `${release}-${minute}`,
    file: `${release}-${minute}.sqlite3`,
    release,
    createdAt,
    reason: "deploy",
    database: { engine: "sqlite", name: "app.db", location: "file /srv/app.db" },
    tool: { name: "sqlite3", version: "3.40.1" },
    sizeBytes: 1,
    sha256: "0".repeat(64),
    durationMs: 1,
    verified: [],
  };
}

describe("retention", () => {
  const all = Array.from({ length: 15 }, (_, i) => manifest(`r${i}`, i));

  it("keeps the newest 10 by default", () => {
    const decision = selectForPruning(all, {});
    expect(decision.keep.map((m) => m.release)).toEqual([
      "r14",
      "r13",
      "r12",
      "r11",
      "r10",
      "r9",
      "r8",
      "r7",
      "r6",
      "r5",
    ]);
    expect(decision.prune.map((m) => m.release)).toEqual(["r4", "r3", "r2", "r1", "r0"]);
  });

  it("keeps exactly N plus the live and previous releases' backups", () => {
    const decision = selectForPruning(all, { keep: 3, protectReleases: ["r1", "r0", null] });
    expect(decision.keep.map((m) => m.release)).toEqual(["r14", "r13", "r12", "r1", "r0"]);
    expect(decision.protectedKept.map((m) => m.release)).toEqual(["r1", "r0"]);
    expect(decision.prune).toHaveLength(10);
  });

  it("matches protected releases by their file-safe name", () => {
    const decision = selectForPruning([manifest("feature_x", 0), manifest("b", 1)], {
      keep: 1,
      protectReleases: ["feature/x"],
    });
    expect(decision.prune).toEqual([]);
  });

  it("matches a protected release to its backups written before `-` was kept", () => {
    const decision = selectForPruning([manifest("ba6f0a6_20261130165844", 0), manifest("b", 1)], {
      keep: 1,
      protectReleases: ["ba6f0a6-20261130165844"],
    });
    expect(decision.prune).toEqual([]);
  });

  it("never prunes a backup protected by id (one the release history names)", () => {
    const decision = selectForPruning(all, { keep: 2, protectReleases: ["r14"], protectIds: ["r3-3", "r0-0"] });
    expect(decision.keep.map((m) => m.id)).toEqual(["r14-14", "r13-13", "r3-3", "r0-0"]);
    expect(decision.protectedKept.map((m) => m.id)).toEqual(["r3-3", "r0-0"]);
  });

  it("refuses keep below 1", () => {
    expect(() => selectForPruning(all, { keep: 0 })).toThrow(/at least 1/);
  });
});
