import { afterEach, describe, expect, it, vi } from "vitest";
import { parseFault } from "../../../src/deploy/fault.js";
import { withInterrupts } from "../../../src/deploy/interrupt.js";

describe("interruption", () => {
  it("the first signal asks for the undo; a second exits at once saying what was left and how to clear it", async () => {
    const lines: string[] = [];
    const exits: number[] = [];
    const reasons = await withInterrupts(
      async (interrupt) => {
        interrupt.pending.set("t1", "in step gate");
        process.emit("SIGTERM", "SIGTERM");
        const first = interrupt.reason;
        process.emit("SIGINT", "SIGINT");
        return [first, interrupt.reason];
      },
      { write: (l) => lines.push(l), exit: (c) => exits.push(c) },
    );
    expect(reasons).toEqual(["SIGTERM", "SIGTERM"]);
    expect(exits).toEqual([130]);
    expect(lines).toEqual([
      "slipway: SIGTERM: no new step starts; undoing what this run changed (send it again to exit at once)",
      "slipway: second signal (SIGINT): exiting now without finishing the undo.",
      "  t1: in step gate",
      "  to clear: `slipway lock status` shows each lock's holder; `slipway lock release` frees it; then deploy again (it converges) or `slipway rollback`.",
    ]);
  });

  describe("one Ctrl-C relayed by a wrapper (npm run, tsx) arrives twice", () => {
    afterEach(() => vi.useRealTimers());
    const run = (gapMs: number, second: "SIGINT" | "SIGTERM") => {
      const lines: string[] = [];
      const exits: number[] = [];
      return withInterrupts(
        async (interrupt) => {
          process.emit("SIGINT", "SIGINT");
          vi.advanceTimersByTime(gapMs);
          process.emit(second, second);
          return { reason: interrupt.reason, exits, lines };
        },
        { write: (l) => lines.push(l), exit: (c) => exits.push(c) },
      );
    };

    it("the same signal again within 1 s is the same request: the undo goes on", async () => {
      vi.useFakeTimers();
      const got = await run(999, "SIGINT");
      expect(got.exits).toEqual([]);
      expect(got.reason).toBe("SIGINT");
      expect(got.lines).toEqual([
        "slipway: SIGINT: no new step starts; undoing what this run changed (send it again to exit at once)",
      ]);
    });

    it("the same signal 1 s or more later still forces the exit", async () => {
      vi.useFakeTimers();
      const got = await run(1000, "SIGINT");
      expect(got.exits).toEqual([130]);
      expect(got.lines[1]).toBe("slipway: second signal (SIGINT): exiting now without finishing the undo.");
    });

    it("a different signal within 1 s forces the exit", async () => {
      vi.useFakeTimers();
      const got = await run(5, "SIGTERM");
      expect(got.exits).toEqual([143]);
    });
  });

  it("the undo deadline exits like a second signal", async () => {
    const exits: number[] = [];
    await withInterrupts(
      async () => {
        process.emit("SIGHUP", "SIGHUP");
        await new Promise((r) => setTimeout(r, 50));
      },
      { deadlineMs: 10, write: () => {}, exit: (c) => exits.push(c) },
    );
    expect(exits).toEqual([129]);
  });

  it("removes its handlers afterwards", async () => {
    const before = process.listenerCount("SIGTERM");
    await withInterrupts(async () => expect(process.listenerCount("SIGTERM")).toBe(before + 1));
    expect(process.listenerCount("SIGTERM")).toBe(before);
  });

  it("parses the test-only fault point and refuses a malformed one", () => {
    expect(parseFault("switch:after:kill")).toEqual({ step: "switch", when: "after", signal: "SIGKILL" });
    expect(parseFault("before_switch:before:term")).toEqual({
      step: "before_switch",
      when: "before",
      signal: "SIGTERM",
    });
    expect(parseFault(undefined)).toBeNull();
    expect(() => parseFault("switch-after-kill")).toThrow(
      "SLIPWAY_FAULT=switch-after-kill: expected <step>:<before|after>:<kill|term>",
    );
  });
});
