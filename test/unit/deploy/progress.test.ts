import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DeployEvent } from "../../../src/deploy/events.js";
import { runnerProgress, withProgress } from "../../../src/deploy/progress.js";

describe("withProgress: a long step says what it waits for about once a second", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("reports every second while the work runs, with its latest detail, and stops when it settles", async () => {
    const seen: Array<[string, number, string | undefined]> = [];
    let finish: (value: string) => void = () => undefined;
    let note: (detail: string) => void = () => undefined;
    const running = withProgress(
      (what, ms, last) => seen.push([what, ms, last]),
      "web: streaming app-web:abc over SSH",
      (n) => {
        note = n;
        return new Promise<string>((resolve) => {
          finish = resolve;
        });
      },
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    note("12.5 MB sent");
    await vi.advanceTimersByTimeAsync(1000);
    finish("done");
    expect(await running).toBe("done");
    await vi.advanceTimersByTimeAsync(5000);
    expect(seen).toEqual([
      ["web: streaming app-web:abc over SSH", 1000, undefined],
      ["web: streaming app-web:abc over SSH", 2000, "12.5 MB sent"],
    ]);
  });

  it("a failure rejects as the work did and the reports stop", async () => {
    const seen: number[] = [];
    const failing = withProgress(
      (_what, ms) => seen.push(ms),
      "certbot: certificate for a.example",
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        throw new Error("certbot failed");
      },
    );
    const settled = failing.catch((error: Error) => error.message);
    await vi.advanceTimersByTimeAsync(4000);
    expect(await settled).toBe("certbot failed");
    expect(seen).toEqual([1000]);
  });

  it("without a reporter it only runs the work", async () => {
    const work = async (note: (detail: string) => void) => {
      note("y");
      return 7;
    };
    expect(await withProgress(undefined, "x", work)).toBe(7);
  });

  it("the runner's progress is an event of host local in the given step", () => {
    const events: DeployEvent[] = [];
    runnerProgress((e) => events.push(e), "build")("building the images on this machine", 3000);
    runnerProgress((e) => events.push(e), "build")("building", 4000, "step 3/7");
    expect(events).toEqual([
      { kind: "progress", host: "local", step: "build", what: "building the images on this machine", waitedMs: 3000 },
      { kind: "progress", host: "local", step: "build", what: "building", waitedMs: 4000, last: "step 3/7" },
    ]);
  });
});
