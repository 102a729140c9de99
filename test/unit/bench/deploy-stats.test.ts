import { describe, expect, it } from "vitest";
import { median, pacedDelayMs, pairRatios, pairSides, parseWrkReport, windowFor } from "../../../bench/deploy/stats.js";

describe("bench/deploy stats", () => {
  it("reads wrk's WRK_JSON line, failed answers apart from connection errors", () => {
    const output = [
      "Running 1h test @ http://10.213.0.11:80/",
      "  Non-2xx or 3xx responses: 7",
      'WRK_JSON {"requests":20500,"durationUs":12500000,"bytes":1,"connect":1,"read":3,"write":0,"timeout":2,"status":7,"p50Us":4100,"p99Us":31234,"maxUs":90000}',
    ].join("\n");
    expect(parseWrkReport(output)).toEqual({
      requests: 20500,
      durationS: 12.5,
      requestsPerSecond: 1640,
      failedAnswers: 7,
      connectionErrors: 6,
      socketErrors: { connect: 1, read: 3, write: 0, timeout: 2 },
      latencyMs: { p50: 4.1, p99: 31.23, max: 90 },
    });
  });

  it("fails with wrk's own output when the report line is missing", () => {
    expect(() => parseWrkReport("unable to connect to 10.213.0.11:80 Connection refused")).toThrow(
      /no WRK_JSON line; its output:\nunable to connect/,
    );
  });

  it("takes medians of odd and even lists, null for none", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it("pairs each Slipway run with Ansible's of the same round and phase, leaving out runs without a partner", () => {
    const ratios = pairRatios([
      { round: 1, phase: "good", tool: "slipway", wallMs: 4000 },
      { round: 1, phase: "good", tool: "ansible", wallMs: 21000 },
      { round: 2, phase: "good", tool: "ansible", wallMs: 20000 },
      { round: 2, phase: "good", tool: "slipway", wallMs: 3000 },
      { round: 1, phase: "rollback", tool: "slipway", wallMs: 5000 },
      { round: 1, phase: "redeploy", tool: "ansible", wallMs: 2000 },
    ]);
    expect(ratios).toEqual([
      { round: 1, phase: "good", slipwayMs: 4000, ansibleMs: 21000, ratio: 5.25 },
      { round: 2, phase: "good", slipwayMs: 3000, ansibleMs: 20000, ratio: 6.67 },
    ]);
  });

  it("pairs any two sides (swarm over container) the same way", () => {
    const runs = [
      { round: 1, phase: "good", tool: "container", wallMs: 4000 },
      { round: 1, phase: "good", tool: "swarm", wallMs: 10000 },
      { round: 1, phase: "redeploy", tool: "swarm", wallMs: 2000 },
    ];
    expect(pairSides(runs, "container", "swarm")).toEqual([
      { round: 1, phase: "good", baseMs: 4000, otherMs: 10000, ratio: 2.5 },
    ]);
    expect(pairSides(runs, "swarm", "container")).toEqual([
      { round: 1, phase: "good", baseMs: 10000, otherMs: 4000, ratio: 0.4 },
    ]);
  });

  it("sizes a load window to reach the request count at the measured rate, with half again to spare", () => {
    expect(windowFor(20000, 1000, 3000)).toBe(30000);
    expect(windowFor(2000, 1000, 3000)).toBe(3000);
    expect(windowFor(20000, 0, 3000)).toBe(3000);
  });
});

describe("bench/deploy paced load", () => {
  it("waits one cycle per connection when the answer time is not known", () => {
    // 16 connections at 500 requests/s: each sends every 32 ms.
    expect(pacedDelayMs(500, 16)).toBe(32);
  });

  it("takes the answer time a paced window showed off the wait", () => {
    // Waiting 32 ms gave 400/s: a cycle of 40 ms, so 8 ms of answer; 500/s needs 32 - 8 = 24 ms.
    expect(pacedDelayMs(500, 16, { delayMs: 32, requestsPerSecond: 400 })).toBe(24);
  });

  it("never waits less than half the cycle (a load that jumped between the probes), and ignores a window that sent nothing", () => {
    // 100/s at a 2 ms wait looks like 158 ms of answer: 32 - 158 would be no wait at all, a closed loop again.
    expect(pacedDelayMs(500, 16, { delayMs: 2, requestsPerSecond: 100 })).toBe(16);
    expect(pacedDelayMs(500, 16, { delayMs: 32, requestsPerSecond: 0 })).toBe(32);
    expect(pacedDelayMs(20000, 16)).toBe(1);
  });
});
