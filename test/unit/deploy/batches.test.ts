import { describe, expect, it } from "vitest";
import { batchSize, rolloutBatches, rolloutStops } from "../../../src/deploy/batches.js";

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
