/** When swarm's task list already proves a release cannot start, by exact value (what `docker service ps` prints). */
import { describe, expect, it } from "vitest";
import { failedOutcome, parseServiceTasks } from "../../../../src/deploy/swarm/task-failures.js";

const lines = (...rows: string[]) => parseServiceTasks(rows.join("\n"));

describe("swarm task failures", () => {
  it("parses name, node, desired and current state, and the engine's error (history marker and id dropped)", () => {
    expect(
      lines(
        "shop-blue_web.1|t5|Running|Starting 3 seconds ago|",
        '\\_ shop-blue_web.1|t5|Shutdown|Failed 9 seconds ago|"task: non-zero exit (1)"',
        "shop-blue_web.2.k2j3h4g5f6d7s8a9q0w1e2r3t|t6|Shutdown|Rejected 1 second ago|No such image: reg/web@sha256:ab|c",
        "",
      ),
    ).toEqual([
      { slot: "shop-blue_web.1", node: "t5", desired: "Running", state: "Starting", error: "" },
      { slot: "shop-blue_web.1", node: "t5", desired: "Shutdown", state: "Failed", error: "task: non-zero exit (1)" },
      {
        slot: "shop-blue_web.2",
        node: "t6",
        desired: "Shutdown",
        state: "Rejected",
        error: "No such image: reg/web@sha256:ab|c",
      },
    ]);
  });

  it("ends at once on a task the container healthcheck killed (its retries already cover the health timeout)", () => {
    const tasks = lines(
      "shop-blue_web.1|t5|Running|Starting 1 second ago|",
      "shop-blue_web.1|t5|Shutdown|Failed 4 seconds ago|unhealthy container",
      "shop-blue_web.2|t6|Running|Starting 30 seconds ago|",
    );
    expect(failedOutcome(tasks)).toEqual({
      slot: "shop-blue_web.1",
      node: "t5",
      error: "unhealthy container",
      reason: "failed its container healthcheck",
    });
  });

  it("ends when one slot failed twice (a crash loop, an image no node can pull), naming the newest failure", () => {
    const tasks = lines(
      "shop-blue_web.2|t6|Running|Starting 1 second ago|",
      "shop-blue_web.2|t6|Shutdown|Failed 3 seconds ago|task: non-zero exit (3)",
      "shop-blue_web.2|t5|Shutdown|Failed 8 seconds ago|task: non-zero exit (1)",
      "shop-blue_web.1|t5|Running|Running 8 seconds ago|",
    );
    expect(failedOutcome(tasks)).toEqual({
      slot: "shop-blue_web.2",
      node: "t6",
      error: "task: non-zero exit (3)",
      reason: "failed 2 times",
    });
    const rejected = lines(
      "shop-blue_web.1|t5|Shutdown|Rejected 1 second ago|No such image: reg/web@sha256:ab",
      "shop-blue_web.1|t6|Shutdown|Rejected 6 seconds ago|No such image: reg/web@sha256:ab",
    );
    expect(failedOutcome(rejected)?.reason).toBe("failed 2 times");
  });

  it("ends when one slot's tasks end `Complete` twice with an empty error (D62: a healthcheck that never passes)", () => {
    // Recorded on t10..t12 (docker 27): each task `Starting` ~30 s, then `Shutdown Complete`, no error.
    const tasks = lines(
      "nu-sw5-blue_web.1|t10|Running|Preparing 4 seconds ago|",
      "\\_ nu-sw5-blue_web.1|t12|Shutdown|Complete 4 seconds ago|",
      "\\_ nu-sw5-blue_web.1|t12|Shutdown|Complete 35 seconds ago|",
      "nu-sw5-blue_web.2|t12|Running|Preparing 2 seconds ago|",
      "\\_ nu-sw5-blue_web.2|t11|Shutdown|Complete 3 seconds ago|",
      "\\_ nu-sw5-blue_web.2|t10|Shutdown|Complete 35 seconds ago|",
    );
    expect(failedOutcome(tasks)).toEqual({
      slot: "nu-sw5-blue_web.1",
      node: "t12",
      error: "ended without an error (Complete): its process exited, or its container healthcheck never passed",
      reason: "failed 2 times",
    });
    const once = lines(
      "nu-sw5-blue_web.1|t12|Running|Starting 9 seconds ago|",
      "\\_ nu-sw5-blue_web.1|t12|Shutdown|Complete 13 seconds ago|",
      "nu-sw5-blue_web.2|t11|Running|Starting 9 seconds ago|",
      "\\_ nu-sw5-blue_web.2|t10|Shutdown|Complete 12 seconds ago|",
    );
    expect(failedOutcome(once)).toBeUndefined();
  });

  it("keeps waiting on a slow boot, one failure per slot, or tasks shut down without an error (a drained node)", () => {
    expect(failedOutcome(lines("shop-blue_web.1|t5|Running|Starting 50 seconds ago|"))).toBeUndefined();
    expect(
      failedOutcome(
        lines(
          "shop-blue_web.1|t5|Running|Starting 1 second ago|",
          "shop-blue_web.1|t5|Shutdown|Failed 5 seconds ago|task: non-zero exit (1)",
          "shop-blue_web.2|t6|Shutdown|Failed 5 seconds ago|task: non-zero exit (1)",
        ),
      ),
    ).toBeUndefined();
    expect(
      failedOutcome(
        lines(
          "shop-blue_web.1|t6|Running|Running 2 seconds ago|",
          "shop-blue_web.1|t5|Shutdown|Shutdown 9 seconds ago|",
          "shop-blue_web.1|t5|Shutdown|Shutdown 20 seconds ago|",
        ),
      ),
    ).toBeUndefined();
    expect(failedOutcome([])).toBeUndefined();
  });
});
