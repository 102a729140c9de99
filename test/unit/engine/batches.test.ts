import { describe, expect, it } from "vitest";
import { batchAborts, batchSize, computeBatches } from "../../../src/engine/batches.js";
import { runText } from "./helpers.js";

const ten = Array.from({ length: 10 }, (_, i) => `h${i}`);

describe("serial", () => {
  it("splits by number, percentage (rounded down, at least 1) and lists whose last entry repeats", () => {
    expect(computeBatches(ten, []).map((b) => b.length)).toEqual([10]);
    expect(computeBatches(ten, [3]).map((b) => b.length)).toEqual([3, 3, 3, 1]);
    expect(computeBatches(ten, ["25%"]).map((b) => b.length)).toEqual([2, 2, 2, 2, 2]);
    expect(computeBatches(ten, ["1%"]).map((b) => b.length)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(computeBatches(ten, [1, 2, "50%"]).map((b) => b.length)).toEqual([1, 2, 5, 2]);
    expect(computeBatches(["a", "b", "c"], [5])).toEqual([["a", "b", "c"]]);
    expect(computeBatches([], [2])).toEqual([]);
    expect(batchSize("33%", 10)).toBe(3);
  });

  it("max_fail_percentage must be exceeded; without it the play stops only when a whole batch failed", () => {
    expect(batchAborts(1, 10, 10)).toBe(false);
    expect(batchAborts(2, 10, 10)).toBe(true);
    expect(batchAborts(1, 4, 25)).toBe(false);
    expect(batchAborts(1, 1, 0)).toBe(true);
    expect(batchAborts(0, 5, 0)).toBe(false);
    expect(batchAborts(2, 3, undefined)).toBe(false);
    expect(batchAborts(3, 3, undefined)).toBe(true);
  });

  it("runs batches one after another and stops once a batch exceeds max_fail_percentage", async () => {
    const run = await runText(
      [
        "- hosts: all",
        "  serial: 2",
        "  max_fail_percentage: 49",
        "  gather_facts: false",
        "  tasks:",
        "    - command: \"{{ 'false' if inventory_hostname in ['b', 'c'] else 'true' }}\"",
      ].join("\n"),
      { names: ["a", "b", "c", "d", "e"] },
    );
    // batch 1 (a, b): 50% failed > 49% -> stop; c, d, e never run.
    expect([...run.hosts.values()].map((h) => h.ran.length)).toEqual([1, 1, 0, 0, 0]);
    expect(run.warnings).toEqual([
      'play "all": 1 of 2 hosts failed, more than max_fail_percentage 49%: stopping before the next batch',
    ]);
  });

  it("continues to the next batch when the failure share is within the limit", async () => {
    const run = await runText(
      [
        "- hosts: all",
        "  serial: '50%'",
        "  max_fail_percentage: 50",
        "  tasks:",
        "    - command: \"{{ 'false' if inventory_hostname == 'a' else 'true' }}\"",
      ].join("\n"),
      { names: ["a", "b", "c", "d"] },
    );
    expect([...run.hosts.values()].map((h) => h.ran.length)).toEqual([1, 1, 1, 1]);
  });

  // The deploy's inventory.serial is one entry of these (deploy/fleet.ts): its batches used to round up ([2,1]).
  it("rounds a percentage down as Ansible does: 50% of 3 hosts is three batches of 1, of 5 hosts [2, 2, 1]", () => {
    expect(computeBatches(["a", "b", "c"], ["50%"])).toEqual([["a"], ["b"], ["c"]]);
    expect(computeBatches(["a", "b", "c", "d", "e"], ["50%"]).map((b) => b.length)).toEqual([2, 2, 1]);
    expect(computeBatches(["a", "b", "c", "d", "e"], ["0%"]).map((b) => b.length)).toEqual([1, 1, 1, 1, 1]);
    expect(computeBatches(["a", "b"], ["100%"])).toEqual([["a", "b"]]);
    expect(computeBatches(["a", "b", "c", "d", "e"], [2])).toEqual([["a", "b"], ["c", "d"], ["e"]]);
  });

  it("the deploy's max_fail_percentage 0 (its default) stops on any failure", () => {
    expect(batchAborts(1, 2, 0)).toBe(true);
    expect(batchAborts(1, 2, 50)).toBe(false);
    expect(batchAborts(2, 2, 50)).toBe(true);
  });
});
