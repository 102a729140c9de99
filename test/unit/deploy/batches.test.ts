import { describe, expect, it } from "vitest";
import { batchSize, fleetRollbackTarget, rolloutBatches, rolloutStops } from "../../../src/deploy/batches.js";

describe("rolling batches", () => {
  it("sizes batches from a number of hosts or a percentage (at least one host)", () => {
    expect(batchSize("100%", 5)).toBe(5);
    expect(batchSize("50%", 5)).toBe(3);
    expect(batchSize("10%", 5)).toBe(1);
    expect(batchSize("0%", 5)).toBe(1);
    expect(batchSize(2, 5)).toBe(2);
    expect(batchSize(9, 5)).toBe(5);
    expect(batchSize("50%", 0)).toBe(0);
  });

  it("splits hosts into consecutive batches in order", () => {
    expect(rolloutBatches(["a", "b", "c", "d", "e"], 2)).toEqual([["a", "b"], ["c", "d"], ["e"]]);
    expect(rolloutBatches(["a", "b"], "100%")).toEqual([["a", "b"]]);
    expect(rolloutBatches([], 1)).toEqual([]);
  });

  it("stops when a batch's failures exceed max_fail_percentage (0: any failure)", () => {
    expect(rolloutStops(0, 2, 0)).toBe(false);
    expect(rolloutStops(1, 2, 0)).toBe(true);
    expect(rolloutStops(1, 2, 50)).toBe(false);
    expect(rolloutStops(2, 2, 50)).toBe(true);
    expect(rolloutStops(1, 4, 25)).toBe(false);
  });
});

describe("fleet rollback target", () => {
  const rec = (id: string, time: string, result: "deployed" | "failed" = "deployed") => ({
    id,
    commit: "c",
    images: {},
    time,
    actor: "a",
    result,
  });
  const h1 = { release: "r3", history: { releases: [rec("r1", "1"), rec("r2", "2"), rec("r3", "3")] } };
  // h2 failed its r3 deploy and stayed on r2: per host it would roll back to r1; the fleet goes to r2.
  const h2 = { release: "r2", history: { releases: [rec("r1", "1"), rec("r2", "2"), rec("r3", "3", "failed")] } };

  it("is the release before the fleet's last deploy, the same for every host", () => {
    expect(fleetRollbackTarget([h1, h2])).toBe("r2");
  });

  it("is null when no host has an earlier release", () => {
    expect(fleetRollbackTarget([{ release: "r1", history: { releases: [rec("r1", "1")] } }])).toBeNull();
    expect(fleetRollbackTarget([])).toBeNull();
  });
});
