import { describe, expect, it } from "vitest";
import { cleanupLines } from "../../../src/deploy/cleanup.js";

describe("the post step's cleanup lines", () => {
  it("say per host what was put back, stopped and released, or why the host was not reached", () => {
    expect(
      cleanupLines([
        { host: "t1", lock: "released", switchedBack: "blue", stopped: "green" },
        { host: "t2", lock: "held-by-other" },
        { host: "t3", lock: "not-held" },
        { host: "t4", lock: "unreachable", error: "connect ETIMEDOUT" },
      ]),
    ).toEqual([
      "[t1] nginx put back on blue; stopped the unrouted color green; released this run's deploy lock",
      "[t2] the lock is another run's: left in place",
      "[t3] no lock held",
      "[t4] not reached: connect ETIMEDOUT",
    ]);
  });
});
