/** The watched waits of a deploy: the health poll schedule and the drain that ends when the old color's connections do. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { colorPorts, drainConnections, establishedArgv } from "../../../src/deploy/drain.js";
import type { HttpProbe } from "../../../src/verify/probe.js";
import { pauseAfterMs, pollDelayMs, waitHealthy } from "../../../src/verify/wait.js";
import { loadConfigText } from "../../support/config-text.js";
import { FakeHost } from "../engine/fake-host.js";

describe("health poll schedule", () => {
  it("polls every 100 ms for 30 polls (3 s), then doubles up to the configured interval", () => {
    expect([1, 2, 30, 31, 32, 33, 34, 35, 36].map((n) => pollDelayMs(n, 2))).toEqual([
      100, 100, 100, 200, 400, 800, 1600, 2000, 2000,
    ]);
    expect([1, 2, 3, 4].map((n) => pollDelayMs(n, 2, 1))).toEqual([100, 200, 400, 800]);
  });

  it("never waits longer than a short interval", () => {
    expect([30, 31, 32].map((n) => pollDelayMs(n, 0.15))).toEqual([100, 150, 150]);
  });
});

describe("health streak: each answer after the first healthy one comes one interval later (D51)", () => {
  afterEach(() => vi.useRealTimers());
  const probe = (over: Partial<HttpProbe>): HttpProbe => ({
    url: "http://127.0.0.1:5001/health",
    status: 200,
    timeout_s: 20,
    interval_s: 3,
    successes: 3,
    request_timeout_s: 5,
    ...over,
  });
  /** Runs the wait on fake timers; the answers' statuses in order (the last repeats); the ms of each poll. */
  async function schedule(p: HttpProbe, statuses: number[]) {
    vi.useFakeTimers({ now: 0 });
    const at: number[] = [];
    const exec = async () => {
      at.push(Date.now());
      const status = statuses[Math.min(at.length, statuses.length) - 1];
      return { stdout: `ok\n__SLIPWAY_STATUS__:${status}`, stderr: "", code: 0 };
    };
    const done = waitHealthy(exec, p);
    await vi.advanceTimersByTimeAsync(p.timeout_s * 1000 + 1000);
    return { outcome: await done, at };
  }

  it("the pause is one interval while a streak runs, the fast schedule otherwise", () => {
    expect([pauseAfterMs(1, 1, 3), pauseAfterMs(70, 2, 0.5), pauseAfterMs(1, 0, 3), pauseAfterMs(31, 0, 3)]).toEqual([
      3000, 500, 100, 200,
    ]);
  });

  it("3 successes 3 s apart: fast polls until the first healthy answer, then 3 s, 3 s", async () => {
    const { outcome, at } = await schedule(probe({}), [503, 503, 200]);
    expect(outcome).toMatchObject({ ok: true, attempts: 5 });
    expect(at).toEqual([0, 100, 200, 3200, 6200]);
  });

  it("an unhealthy answer ends the streak: the fast schedule again, then a new streak", async () => {
    const { outcome, at } = await schedule(probe({ successes: 2 }), [200, 503, 200]);
    expect(outcome).toMatchObject({ ok: true, attempts: 4 });
    expect(at).toEqual([0, 3000, 3100, 6100]);
  });

  it("the default of 1 success passes on the first healthy answer", async () => {
    const { outcome, at } = await schedule(probe({ successes: 1 }), [503, 200]);
    expect(outcome).toMatchObject({ ok: true, attempts: 2 });
    expect(at).toEqual([0, 100]);
  });

  it("a streak that cannot fit in the timeout fails, saying how far it got", async () => {
    const { outcome, at } = await schedule(probe({ successes: 10, interval_s: 5, timeout_s: 10 }), [200]);
    expect(at).toEqual([0, 5000, 10000]);
    expect(outcome).toEqual({
      ok: false,
      attempts: 3,
      status: 200,
      curlExit: 0,
      last: "HTTP 200 ok (3 of 10 healthy answers in a row, 5s apart, before the timeout)",
    });
  });
});

describe("the wait's outcome carries curl's exit code", () => {
  it("a refused port: status 0, curl's exit 7 and its message as the last answer", async () => {
    const probe: HttpProbe = {
      url: "http://127.0.0.1:5001/health",
      status: 200,
      timeout_s: 0.01,
      interval_s: 1,
      successes: 1,
    };
    const exec = async () => ({ stdout: "\n__SLIPWAY_STATUS__:000", stderr: "curl: (7) Failed to connect\n", code: 7 });
    expect(await waitHealthy(exec, probe)).toEqual({
      ok: false,
      attempts: 1,
      status: 0,
      curlExit: 7,
      last: "curl: (7) Failed to connect",
    });
  });

  it("a curl killed by a signal: curlExit null", async () => {
    const probe: HttpProbe = {
      url: "http://127.0.0.1:5001/",
      status: 200,
      timeout_s: 0.01,
      interval_s: 1,
      successes: 1,
    };
    const exec = async () => ({ stdout: "", stderr: "", code: null });
    expect(await waitHealthy(exec, probe)).toMatchObject({ ok: false, status: 0, curlExit: null });
  });
});

describe("drain", () => {
  it("lists the established connections on every port of the color, either end", () => {
    expect(establishedArgv([15001, 15002])).toEqual(
      "ss -Htn state established ( sport = :15001 or dport = :15001 or sport = :15002 or dport = :15002 )".split(" "),
    );
  });

  it("names every instance's port of the color", async () => {
    const config = await loadConfigText(
      `app: shop
services:
  web: { build: { context: web }, port: 5001 }
  api: { build: { context: api }, port: 6001, ports: { blue: 6001, green: 16001 } }
inventory: { ssh: { user: deploy }, hosts: { h1: { address: 10.0.0.1 } } }
proxy:
  load_balance: { web: { instances: 2 } }
  routes: [{ path: /, service: web }, { path: /api/, service: api }]
`,
    );
    expect(colorPorts(config, "green")).toEqual([15001, 15002, 16001]);
    expect(colorPorts(config, "blue")).toEqual([5001, 5002, 6001]);
  });

  it("ends as soon as no connection is left, well before the limit", async () => {
    const host = new FakeHost("h1");
    let polls = 0;
    host.handlers.set("ss", () => {
      polls++;
      return { stdout: polls < 3 ? "ESTAB 0 0 127.0.0.1:15001 127.0.0.1:40000\n" : "" };
    });
    const outcome = await drainConnections(host, [15001], 5);
    expect(outcome.open).toBe(0);
    expect(polls).toBe(3);
    // Pauses of 50 and 100 ms between the three polls.
    expect(outcome.ms).toBeGreaterThanOrEqual(145);
    expect(outcome.ms).toBeLessThan(2000);
  });

  it("stops waiting at the limit with the connections still counted", async () => {
    const host = new FakeHost("h1");
    host.handlers.set("ss", () => ({ stdout: "ESTAB a\nESTAB b\n" }));
    const outcome = await drainConnections(host, [15001], 1);
    expect(outcome.open).toBe(2);
    expect(outcome.ms).toBeGreaterThanOrEqual(1000);
    expect(outcome.ms).toBeLessThan(1600);
  });

  it("an interrupt ends the wait within a poll, rejecting with the signal's name (D56)", async () => {
    const host = new FakeHost("h1");
    const controller = new AbortController();
    let polls = 0;
    host.handlers.set("ss", () => {
      polls++;
      if (polls === 2) setTimeout(() => controller.abort("SIGINT"), 10);
      return { stdout: "ESTAB 0 0 127.0.0.1:15001 127.0.0.1:40000\n" };
    });
    const started = Date.now();
    const error = await drainConnections(host, [15001], 30, controller.signal).catch((e: unknown) => e);
    expect(error).toBe("SIGINT");
    expect(polls).toBe(2);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("waits the whole limit when the host has no ss", async () => {
    const host = new FakeHost("h1");
    host.handlers.set("ss", () => ({ code: 127, stderr: "sh: ss: not found" }));
    const outcome = await drainConnections(host, [15001], 1);
    expect(outcome.open).toBeNull();
    expect(outcome.ms).toBeGreaterThanOrEqual(1000);
  });
});
