import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { formatEvent, terminalSink } from "../../../src/cli/deploy-events.js";
import { formatLockStatus, holderAlive } from "../../../src/deploy/lock-status.js";

describe("deploy events on a terminal", () => {
  it("prints log lines with their host, failed/undone steps with durations, and nothing for ok steps", () => {
    expect(formatEvent({ kind: "log", level: "info", message: "locked /opt/x/.slipway-lock", host: "t1" })).toBe(
      "[t1] locked /opt/x/.slipway-lock",
    );
    expect(formatEvent({ kind: "step", host: "t1", step: "gate", status: "ok", ms: 1200 })).toBeNull();
    expect(
      formatEvent({ kind: "step", host: "t1", step: "gate", status: "failed", ms: 1250, message: "HTTP 500" }),
    ).toBe("[t1] step gate failed (1.3s): HTTP 500");
    expect(formatEvent({ kind: "step", host: "t1", step: "start", status: "undone", ms: 40 })).toBe(
      "[t1] step start undone (0.0s)",
    );
    expect(formatEvent({ kind: "host", host: "t1", status: "changed" })).toBeNull();
  });

  it("--json prints every event as one JSON line", () => {
    const lines: string[] = [];
    terminalSink((l) => lines.push(l), true)({ kind: "step", host: "t1", step: "lock", status: "started" });
    expect(lines).toEqual(['{"kind":"step","host":"t1","step":"lock","status":"started"}']);
  });
});

describe("slipway lock status", () => {
  const holder = {
    holder: "bob",
    commit: "abc",
    since: "2026-11-30T08:00:00Z",
    run_id: "9-1",
    pid: 4242,
    host: hostname(),
  };

  it("names the holder and says when its process is gone from this machine", () => {
    const text = formatLockStatus(
      [{ host: "t1", holder }, { host: "t2" }, { host: "t3", error: "connection refused" }],
      () => false,
    );
    expect(text).toBe(
      [
        `t1: held by bob (commit abc, run 9-1, pid 4242 on ${hostname()}) since 2026-11-30T08:00:00Z (holder process is not running on this machine: stale)`,
        "t2: free",
        "t3: unreachable (connection refused)",
      ].join("\n"),
    );
  });

  it("cannot tell for a holder on another runner", () => {
    expect(holderAlive({ ...holder, host: "other-runner" })).toBeNull();
    expect(holderAlive({ ...holder, pid: process.pid })).toBe(true);
  });
});
