/**
 * The health gate's bounds: each request's curl --max-time is health.request_timeout, cut to what is left before the
 * gate's deadline, so a health endpoint that accepts the connection and never answers fails the gate in time.
 */
import { describe, expect, it } from "vitest";
import { healthGate } from "../../../src/deploy/health.js";
import { httpWaitModule } from "../../../src/modules/http_wait.js";
import { curlArgv, type HttpProbe as HttpWaitArgs } from "../../../src/verify/probe.js";
import { requestBudget } from "../../../src/verify/wait.js";
import { FakeHost } from "../engine/fake-host.js";

const args: HttpWaitArgs = {
  url: "http://127.0.0.1:15001/api/health",
  status: 200,
  timeout_s: 0.6,
  interval_s: 0.1,
  successes: 2,
  request_timeout_s: 2,
};

const maxTime = (argv: readonly string[]) => Number(argv[argv.indexOf("--max-time") + 1]);

describe("health gate bounds", () => {
  it("curl's --max-time is the request timeout (0.1 s resolution), else five intervals", () => {
    expect(maxTime(curlArgv({ ...args, request_timeout_s: 5 }))).toBe(5);
    expect(maxTime(curlArgv({ ...args, request_timeout_s: 0.25 }))).toBe(0.3);
    const { request_timeout_s: _, ...noTimeout } = args;
    expect(maxTime(curlArgv({ ...noTimeout, interval_s: 2 }))).toBe(10);
  });

  it("a request never runs past the gate's deadline", () => {
    expect(requestBudget(args, 60_000)).toBe(2);
    expect(requestBudget(args, 1_250)).toBe(1.2);
    expect(requestBudget(args, 0)).toBe(0.1);
    expect(requestBudget(args, -500)).toBe(0.1);
  });

  it("a health endpoint that never answers fails the gate within its timeout, with curl's error", async () => {
    const host = new FakeHost("h1");
    host.handlers.set("curl", () => ({
      code: 28,
      stderr: "curl: (28) Operation timed out after 2000 milliseconds with 0 bytes received",
    }));
    const t0 = Date.now();
    const gate = await healthGate(host, args);
    // 0.6 s of timeout; the slack is for a loaded machine, not for another request.
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(gate).toEqual({
      ok: false,
      attempts: gate.attempts,
      last: "curl: (28) Operation timed out after 2000 milliseconds with 0 bytes received",
      status: 0,
      curlExit: 28,
    });
    expect(gate.attempts).toBeGreaterThanOrEqual(3);
    for (const argv of host.commands.map((c) => c.argv)) expect(maxTime(argv)).toBeLessThanOrEqual(0.6);
  });

  it("passes after the consecutive healthy answers it asks for", async () => {
    const host = new FakeHost("h1");
    host.handlers.set("curl", () => ({ stdout: '{"status": "ok"}\n__SLIPWAY_STATUS__:200' }));
    expect(await healthGate(host, args)).toEqual({
      ok: true,
      attempts: 2,
      last: 'HTTP 200 {"status": "ok"}',
      status: 200,
      curlExit: 0,
    });
  });
});

describe("http_wait runs the gate's wait (src/verify/wait.ts): same schedule, same request budget", () => {
  const ctx = (host: FakeHost) =>
    ({
      host,
      check: false,
      diff: false,
      become: false,
      facts: undefined,
      vars: {},
      baseDir: "/",
      step: "wait",
    }) as never;

  it("polls fast until the first healthy answer (100 ms apart, not interval_s), then one interval to the next", async () => {
    const host = new FakeHost("h1");
    let calls = 0;
    host.handlers.set("curl", () =>
      ++calls < 3 ? { code: 7, stderr: "curl: (7) Failed to connect" } : { stdout: "ok\n__SLIPWAY_STATUS__:200" },
    );
    const t0 = Date.now();
    const args = httpWaitModule.argsSchema.parse({ url: "http://127.0.0.1:8000/", interval_s: 0.5, successes: 2 });
    expect(await httpWaitModule.run(ctx(host), args)).toEqual({ status: "ok", data: { status: 200 } });
    expect(host.commands).toHaveLength(4);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it("fails within timeout_s, each request cut to the deadline, naming what it saw last", async () => {
    const host = new FakeHost("h1");
    host.handlers.set("curl", () => ({ stdout: "down\n__SLIPWAY_STATUS__:503" }));
    const args = httpWaitModule.argsSchema.parse({ url: "http://127.0.0.1:8000/", timeout_s: 0.3 });
    expect(await httpWaitModule.run(ctx(host), args)).toEqual({
      status: "failed",
      msg: "http://127.0.0.1:8000/ not healthy after 0.3s: HTTP 503 down",
      data: { status: 503 },
    });
    for (const argv of host.commands.map((c) => c.argv)) expect(maxTime(argv)).toBeLessThanOrEqual(0.3);
  });
});
