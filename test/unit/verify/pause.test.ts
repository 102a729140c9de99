/** The pause between polls that an interrupt cuts short, and the health wait ending on it. */
import { describe, expect, it } from "vitest";
import { pauseUnlessAborted } from "../../../src/verify/pause.js";
import type { HttpProbe } from "../../../src/verify/probe.js";
import { waitHealthy } from "../../../src/verify/wait.js";

const probe: HttpProbe = {
  url: "http://127.0.0.1:5001/health",
  status: 200,
  timeout_s: 30,
  interval_s: 2,
  successes: 1,
  request_timeout_s: 5,
};

describe("pauseUnlessAborted", () => {
  it("resolves after the pause without a signal or with one that never aborts", async () => {
    await expect(pauseUnlessAborted(5)).resolves.toBe(undefined);
    await expect(pauseUnlessAborted(5, new AbortController().signal)).resolves.toBe(undefined);
  });

  it("rejects with the signal's reason as soon as it aborts, and at once when it already has", async () => {
    const controller = new AbortController();
    const t0 = Date.now();
    const pause = pauseUnlessAborted(10_000, controller.signal);
    setTimeout(() => controller.abort("SIGINT"), 10);
    await expect(pause).rejects.toBe("SIGINT");
    expect(Date.now() - t0).toBeLessThan(1000);
    await expect(pauseUnlessAborted(10_000, controller.signal)).rejects.toBe("SIGINT");
  });
});

describe("waitHealthy with a signal", () => {
  it("ends between polls with the signal's reason instead of polling until its timeout", async () => {
    const controller = new AbortController();
    let polls = 0;
    const exec = async () => {
      polls++;
      if (polls === 3) controller.abort("SIGTERM");
      return { stdout: "", stderr: "curl: (7) Failed to connect", code: 7 };
    };
    await expect(waitHealthy(exec, probe, undefined, controller.signal)).rejects.toBe("SIGTERM");
    expect(polls).toBe(3);
  });
});
