/**
 * The step runner (src/deploy/runner.ts) on a bare step list: undo order, a failing undo, committing and `always`
 * steps, plans run at once with their lines in step order, the timings line of the recap.
 */
import { describe, expect, it } from "vitest";
import { HostEmitter } from "../../../src/deploy/emitter.js";
import type { DeployEvent, StepEvent } from "../../../src/deploy/events.js";
import { formatTimings, planSteps, runSteps } from "../../../src/deploy/runner.js";
import type { FlowState, Step } from "../../../src/deploy/steps/types.js";

describe("runner", () => {
  const state = {} as FlowState;
  const emitter = () => {
    const events: DeployEvent[] = [];
    return { events, emitter: new HostEmitter("h1", (e) => events.push(e)) };
  };
  const step = (name: string, log: string[], fail?: string, extra: Partial<Step> = {}): Step => ({
    name,
    async run() {
      log.push(`run ${name}`);
      if (fail) throw new Error(fail);
      return { status: "changed" };
    },
    async undo() {
      log.push(`undo ${name}`);
      return undefined;
    },
    ...extra,
  });

  it("undoes the steps that started, newest first, including the one that failed", async () => {
    const log: string[] = [];
    const { emitter: e } = emitter();
    const outcome = await runSteps([step("a", log), step("b", log), step("c", log, "boom"), step("d", log)], state, {
      emitter: e,
    });
    expect(log).toEqual(["run a", "run b", "run c", "undo c", "undo b", "undo a"]);
    expect(outcome.undone).toEqual(["c", "b", "a"]);
    expect((outcome.error as Error).message).toBe("boom");
  });

  it("a failing undo is reported and the chain goes on", async () => {
    const log: string[] = [];
    const { emitter: e, events } = emitter();
    const broken = step("b", log, undefined, {
      async undo() {
        throw new Error("cannot stop");
      },
    });
    const outcome = await runSteps([step("a", log), broken, step("c", log, "boom")], state, { emitter: e });
    expect(log).toEqual(["run a", "run b", "run c", "undo c", "undo a"]);
    expect(outcome.undoErrors).toEqual(["undo of b failed: cannot stop"]);
    expect(events.filter((x) => x.kind === "step" && x.step === "b").map((x) => (x as StepEvent).status)).toEqual([
      "started",
      "changed",
      "failed",
    ]);
  });

  it("after a committing step, a later failure undoes nothing before it; `always` runs whatever happened", async () => {
    const log: string[] = [];
    const { emitter: e } = emitter();
    const lock = step("lock", log, undefined, {
      undo: undefined,
      async always() {
        log.push("unlock");
      },
    });
    const record = step("record", log, undefined, { commits: true });
    await runSteps([lock, step("a", log), record, step("retire", log, "prune failed")], state, { emitter: e });
    expect(log).toEqual(["run lock", "run a", "run record", "run retire", "undo retire", "unlock"]);
  });

  it("plans every step at once; each plan's lines come out in step order, a failed plan's last before its error", async () => {
    const { emitter: e, events } = emitter();
    const started: string[] = [];
    let releaseFirst = () => {};
    const first = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const planning: Step[] = [
      step("slow", [], undefined, {
        async plan(s) {
          started.push("slow");
          await first;
          s.say("  slow line");
        },
      }),
      step("quick", [], undefined, {
        async plan(s) {
          started.push("quick");
          s.say("  quick line");
          s.emitter.diff("/etc/x", "+x");
          releaseFirst();
        },
      }),
      step("broken", [], undefined, {
        async plan(s) {
          s.say("  broken line");
          throw new Error("cannot read");
        },
      }),
      step("after", [], undefined, {
        async plan(s) {
          s.say("  after line");
        },
      }),
    ];
    await expect(planSteps(planning, state, e)).rejects.toThrow("cannot read");
    expect(started).toEqual(["slow", "quick"]);
    expect(
      events.map((x) => (x.kind === "log" ? `${x.step}: ${x.message}` : `${x.kind} ${"step" in x && x.step}`)),
    ).toEqual(["slow:   slow line", "quick:   quick line", "diff quick", "broken:   broken line"]);
  });

  it("formats per-step durations for the recap", () => {
    expect(
      formatTimings([
        { step: "lock", status: "changed", ms: 120 },
        { step: "gate", status: "failed", ms: 2_345 },
      ]),
    ).toBe("lock 0.1s, gate FAILED 2.3s");
  });
});
