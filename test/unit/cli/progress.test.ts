import { describe, expect, it } from "vitest";
import { formatEvent, liveLine, runSink } from "../../../src/cli/deploy-events.js";
import type { ProgressEvent } from "../../../src/deploy/events.js";
import { waitHealthy } from "../../../src/verify/wait.js";

const EVENT: ProgressEvent = {
  kind: "progress",
  host: "t1",
  step: "gate",
  what: "web@green: waiting for /healthz",
  waitedMs: 3200,
  last: "curl: (7) Failed to connect\nmore",
};

describe("progress while a step waits", () => {
  it("formats what is awaited, for how long, and the last answer's first line", () => {
    expect(formatEvent(EVENT)).toBe("[t1] web@green: waiting for /healthz, 3 s, last: curl: (7) Failed to connect");
  });

  it("a terminal gets one live line, erased before the next log line; elsewhere a line each", () => {
    const written: string[] = [];
    const live = liveLine((t) => written.push(t));
    live.show("a");
    live.show("b");
    live.clear();
    live.clear();
    expect(written).toEqual(["\r\x1b[2Ka", "\r\x1b[2Kb", "\r\x1b[2K"]);
    const lines: string[] = [];
    const raw: string[] = [];
    const tty = runSink({ out: (l) => lines.push(l), err: () => {}, live: (t) => raw.push(t) }, {});
    tty.sink(EVENT);
    tty.sink({ kind: "log", level: "info", message: "done", host: "t1" });
    expect([raw.length, lines]).toEqual([2, ["[t1] done"]]);
    const plain: string[] = [];
    runSink({ out: (l) => plain.push(l), err: () => {} }, {}).sink(EVENT);
    expect(plain).toEqual(["[t1] web@green: waiting for /healthz, 3 s, last: curl: (7) Failed to connect"]);
  });

  it("the health wait reports every poll that did not end it", async () => {
    const answers = ["", "", '{"status":200}'];
    let i = 0;
    const polls: number[] = [];
    const outcome = await waitHealthy(
      async () => {
        const a = answers[Math.min(i++, answers.length - 1)] ?? "";
        return {
          code: a ? 0 : 7,
          signal: null,
          stdout: a ? `${a}\n__SLIPWAY_STATUS__:200` : "",
          stderr: a ? "" : "refused",
          durationMs: 1,
        };
      },
      { url: "http://127.0.0.1:1/h", status: 200, timeout_s: 5, interval_s: 1, successes: 1, request_timeout_s: 1 },
      (p) => polls.push(p.attempts),
    );
    expect(polls).toEqual([1, 2]);
    expect(outcome.attempts).toBe(3);
  });
});
