/**
 * The health gate's early stop: a process that exits at boot ends the gate when the runtime says so (swarm's task
 * list, the others' process states), not after the health timeout; a healthy app costs no read. Exact values.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { GATE_STOP_EVERY_MS, gateStop } from "../../../src/deploy/gate-stop.js";
import { crashLoop, type ProcessState, unitExit } from "../../../src/deploy/process-state.js";
import type { ColorRuntime, ServiceFailure } from "../../../src/deploy/runtime.js";
import { readTaskFailure, taskFailureMessage } from "../../../src/deploy/swarm/tasks.js";
import { swarmRuntime } from "../../../src/deploy/swarm-runtime.js";
import type { HttpProbe } from "../../../src/verify/probe.js";
import { type EarlyStop, waitHealthy } from "../../../src/verify/wait.js";
import { FakeHost } from "../engine/fake-host.js";
import { configWith } from "../render/from-config/config.js";

const probe: HttpProbe = {
  url: "http://10.213.0.15:18910/health",
  status: 200,
  timeout_s: 30,
  interval_s: 1,
  successes: 1,
  request_timeout_s: 5,
};
const REFUSED = { stdout: "", stderr: "curl: (7) Failed to connect to 10.213.0.15 port 18910", code: 7 };

describe("waitHealthy's early stop", () => {
  afterEach(() => vi.useRealTimers());

  /** Runs the wait on fake timers: `answer(ms)` is the poll's result; returns the outcome and the checks' times. */
  async function run(answer: (ms: number) => typeof REFUSED, verdicts: (string | undefined)[]) {
    vi.useFakeTimers({ now: 0 });
    const checks: number[] = [];
    const stop: EarlyStop = {
      everyMs: 2000,
      check: async () => {
        checks.push(Date.now());
        return verdicts[checks.length - 1];
      },
    };
    const done = waitHealthy(async () => answer(Date.now()), probe, undefined, undefined, stop);
    await vi.advanceTimersByTimeAsync(probe.timeout_s * 1000 + 1000);
    return { outcome: await done, checks };
  }

  it("reads 2 s into an unhealthy wait, then at most every 2 s; a reason ends it at the next unhealthy answer", async () => {
    const { outcome, checks } = await run(() => REFUSED, [undefined, "web: task web.1 on t5 failed 2 times"]);
    // Polls 100 ms apart until 2900 ms, then 3000, 3200, 3600, 4400, 5400: the second read is due at 4000.
    expect(checks).toEqual([2000, 4400]);
    expect(outcome).toEqual({
      ok: false,
      attempts: 35,
      last: REFUSED.stderr,
      status: 0,
      curlExit: 7,
      stopped: "web: task web.1 on t5 failed 2 times",
    });
  });

  it("an app healthy within 2 s is never read; one healthy at 2.5 s is read once and passes", async () => {
    const ok = { stdout: "ok\n__SLIPWAY_STATUS__:200", stderr: "", code: 0 };
    const fast = await run((ms) => (ms < 1500 ? REFUSED : ok), []);
    expect(fast.checks).toEqual([]);
    expect(fast.outcome).toMatchObject({ ok: true, attempts: 16 });
    const slow = await run((ms) => (ms < 2500 ? REFUSED : ok), []);
    expect(slow.checks).toEqual([2000]);
    expect(slow.outcome).toEqual({ ok: true, attempts: 26, last: "HTTP 200 ok", status: 200, curlExit: 0 });
  });

  it("a read that throws (the connection is gone) fails the wait with its error", async () => {
    vi.useFakeTimers({ now: 0 });
    const stop: EarlyStop = { everyMs: 2000, check: () => Promise.reject(new Error("connection lost")) };
    const done = waitHealthy(async () => REFUSED, probe, undefined, undefined, stop).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await done).toEqual(new Error("connection lost"));
  });
});

const proc = (name: string, extra: Partial<ProcessState> = {}): ProcessState => ({
  name,
  running: true,
  status: "running",
  restarts: 0,
  exitCode: 0,
  health: "",
  ...extra,
});

describe("unitExit: a systemd unit that exited since its start (what a failed gate names)", () => {
  it("restarted, or down; never a unit running as started", () => {
    const unit = (extra: Partial<ProcessState>) =>
      proc("shop-web@blue.service", { status: "active (running)", ...extra });
    expect(unitExit(unit({}))).toBeUndefined();
    expect(unitExit(unit({ status: "activating (auto-restart)", running: false, exitCode: 1, restarts: 1 }))).toBe(
      "shop-web@blue.service exited (code 1, restarted 1 time; now activating (auto-restart))",
    );
    expect(unitExit(unit({ restarts: 2 }))).toBe(
      "shop-web@blue.service exited (restarted 2 times; now active (running))",
    );
    expect(unitExit(unit({ status: "inactive (dead)", running: false }))).toBe(
      "shop-web@blue.service exited (code 0; now inactive (dead))",
    );
  });
});

describe("crashLoop: a process with a port that failed for good", () => {
  const base = new Map([["shop-web-blue", 1]]);

  it("two restarts since the first read, or down with no restart to come; one restart is not", () => {
    expect(crashLoop([proc("shop-web-blue", { restarts: 2 })], base)).toBeUndefined();
    expect(
      crashLoop([proc("shop-web-blue", { restarts: 3, status: "restarting", running: false, exitCode: 3 })], base),
    ).toBe("shop-web-blue exited (code 3, restarted 2 times; now restarting)");
    expect(crashLoop([proc("shop-web-blue", { restarts: 3 })], base)).toBe(
      "shop-web-blue exited (restarted 2 times; now running)",
    );
    expect(
      crashLoop([proc("shop-web-blue", { restarts: 1, status: "exited", running: false, exitCode: 3 })], base),
    ).toBe("shop-web-blue exited (code 3; now exited)");
    expect(
      crashLoop([proc("shop-web@blue.service", { status: "failed (failed)", running: false, exitCode: 1 })], new Map()),
    ).toBe("shop-web@blue.service exited (code 1; now failed (failed))");
    // systemd between two restarts (Restart=always): not yet, until NRestarts rose by two.
    const between = proc("shop-web@blue.service", { status: "activating (auto-restart)", running: false, exitCode: 1 });
    expect(crashLoop([between], new Map([["shop-web@blue.service", 0]]))).toBeUndefined();
    expect(crashLoop([{ ...between, restarts: 2 }], new Map([["shop-web@blue.service", 0]]))).toBe(
      "shop-web@blue.service exited (code 1, restarted 2 times; now activating (auto-restart))",
    );
    expect(crashLoop([], base)).toBeUndefined();
  });
});

/** A runtime with process states only: `states(read)` is the read's answer. */
function statesRuntime(reads: string[], states: (read: number) => ProcessState[]): ColorRuntime {
  return {
    async processStates(color, service) {
      reads.push(`${service}@${color}`);
      return states(reads.length - 1);
    },
  } as ColorRuntime;
}

describe("gateStop", () => {
  it("process states: the first read is the baseline; one read per 2 s however many gates ask", async () => {
    const reads: string[] = [];
    let clock = 0;
    const restarts = [1, 2, 3];
    const runtime = statesRuntime(reads, (read) => [
      proc("shop-web-blue", { restarts: restarts[read] ?? 3, status: "restarting", running: false, exitCode: 3 }),
    ]);
    const stop = gateStop(runtime, "blue", "web", () => clock);
    if (!stop) throw new Error("no stop");
    expect(stop.stop.everyMs).toBe(GATE_STOP_EVERY_MS);
    // Two gates (two instances) ask at once: one read.
    expect(await Promise.all([stop.stop.check(), stop.stop.check()])).toEqual([undefined, undefined]);
    clock = 1999;
    expect(await stop.stop.check()).toBeUndefined();
    expect(reads).toEqual(["web@blue"]);
    clock = 2000;
    expect(await stop.stop.check()).toBeUndefined();
    clock = 4000;
    const message = "web (blue) exits at boot: shop-web-blue exited (code 3, restarted 2 times; now restarting)";
    expect(await stop.stop.check()).toBe(message);
    expect(reads).toEqual(["web@blue", "web@blue", "web@blue"]);
    expect(stop.failure()).toEqual({
      message,
      hint: "its process exits at boot: its last log lines above say why (a missing setting, a failed import or migration, a crash before it listens); fix the release and deploy again",
    });
    // Found for good: later asks give it without reading again.
    clock = 9000;
    expect(await stop.stop.check()).toBe(message);
    expect(reads).toHaveLength(3);
  });

  it("a runtime with neither serviceFailure nor process states has no early stop", () => {
    expect(gateStop({} as ColorRuntime, "blue", "web")).toBeUndefined();
  });

  it("the runtime's own serviceFailure comes first", async () => {
    const failure: ServiceFailure = { message: "web failed", hint: "h" };
    const runtime = { serviceFailure: async () => failure, processStates: async () => [] } as unknown as ColorRuntime;
    const stop = gateStop(runtime, "blue", "web");
    expect(await stop?.stop.check()).toBe("web failed");
    expect(stop?.failure()).toBe(failure);
  });
});

describe("swarm: the gate reads the task list as the start does", () => {
  const config = configWith({
    runtime: "swarm",
    image: { registry: "10.213.0.1:5000" },
    services: { web: { image: "10.213.0.1:5000/shop-web", port: 8050, swarm: { replicas: 2 } } },
    inventory: { hosts: { t4: { address: "10.213.0.14" }, t5: { address: "10.213.0.15" } } },
    swarm: { manager: "t4" },
    proxy: { routes: [{ path: "/", service: "web" }] },
  });
  const crashing = [
    "shop-blue_web.1|t5|Running|Starting 1 second ago|",
    '\\_ shop-blue_web.1|t5|Shutdown|Failed 3 seconds ago|"task: non-zero exit (3)"',
    '\\_ shop-blue_web.1|t5|Shutdown|Failed 6 seconds ago|"task: non-zero exit (3)"',
    "shop-blue_web.2|t6|Running|Running 2 seconds ago|",
  ].join("\n");

  it("serviceFailure: the start's message shape, the task lines, an exits-at-boot hint; none while tasks run", async () => {
    const host = new FakeHost("t4");
    let out = "shop-blue_web.1|t5|Running|Running 2 seconds ago|\n";
    host.handlers.set("docker", () => ({ stdout: out }));
    const runtime = swarmRuntime(config, host);
    expect(await runtime.serviceFailure?.("blue", "web")).toBeUndefined();
    expect(host.ran.at(-1)).toBe(
      "docker service ps --no-trunc --format {{.Name}}|{{.Node}}|{{.DesiredState}}|{{.CurrentState}}|{{.Error}} shop-blue_web",
    );
    out = crashing;
    expect(await runtime.serviceFailure?.("blue", "web")).toEqual({
      message: "shop-blue_web: task shop-blue_web.1 on t5 failed 2 times (task: non-zero exit (3))",
      evidence: [
        "shop-blue_web: shop-blue_web.1|t5|Running|Starting 1 second ago|",
        'shop-blue_web: \\_ shop-blue_web.1|t5|Shutdown|Failed 3 seconds ago|"task: non-zero exit (3)"',
        'shop-blue_web: \\_ shop-blue_web.1|t5|Shutdown|Failed 6 seconds ago|"task: non-zero exit (3)"',
      ].join("\n"),
      hint: "its process exits at boot (the engine restarts it again and again): the task's error and its last log lines above say why; fix the release and deploy again; see `docker service ps --no-trunc shop-blue_web` on the manager",
    });
    out = "shop-blue_web.1|t5|Shutdown|Failed 1 second ago|unhealthy container\n";
    expect((await runtime.serviceFailure?.("blue", "web"))?.hint).toMatch(
      /^its container healthcheck failed and the engine killed the task: /,
    );
  });

  it("readTaskFailure and taskFailureMessage: what the start's wait throws too", async () => {
    const host = new FakeHost("t4");
    host.handlers.set("docker", () => ({ stdout: crashing }));
    const found = await readTaskFailure(host, "shop-blue_web");
    expect(found?.failure).toEqual({
      slot: "shop-blue_web.1",
      node: "t5",
      error: "task: non-zero exit (3)",
      reason: "failed 2 times",
    });
    expect(taskFailureMessage("shop-blue_web", found?.failure as never)).toBe(
      "shop-blue_web: task shop-blue_web.1 on t5 failed 2 times (task: non-zero exit (3))",
    );
  });
});
