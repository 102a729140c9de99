/**
 * D67: one host's deploy of a web service and a worker (no port) on the shared fake host with a fake runtime: the
 * gate waits for the worker to stay running, a worker that exits fails the gate and the new color is stopped (the live
 * one untouched), and a passing worker stops with the old color at the retire. A web process that exits at boot ends
 * the gate as soon as the runtime reports it (gate-stop.ts), not at the health timeout.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Color, loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import type { DeployEvent, LogEvent, StepEvent } from "../../../src/deploy/events.js";
import { type HostRun, runHost } from "../../../src/deploy/host-flow.js";
import type { ProcessState } from "../../../src/deploy/process-state.js";
import type { ColorRuntime } from "../../../src/deploy/runtime.js";
import { SlipwayError } from "../../../src/errors.js";
import { FakeHost } from "../engine/fake-host.js";

const UPSTREAM = "/etc/nginx/slipway/shop-web.upstream.conf";

async function config(webTimeout = "1s", webInstances = 1): Promise<SlipwayConfig> {
  const dir = mkdtempSync(join(tmpdir(), "slipway-worker-flow-"));
  const file = join(dir, "slipway.yml");
  writeFileSync(
    file,
    `app: shop
runtime: container
deploy_dir: /opt/shop
services:
  web:
    image: registry.example/shop:1
    port: 5001
    health: { path: /health, interval: 1s, timeout: ${webTimeout} }
  worker:
    image: registry.example/shop:1
    command: [python3, worker.py]
    health: { stable: 1s, timeout: 3s }
inventory:
  ssh: { user: deploy }
  hosts:
    h1: { address: 10.0.0.1 }
proxy:
  domains: [shop.example]
  switch: reload
${webInstances > 1 ? `  load_balance: { web: { instances: ${webInstances} } }\n` : ""}  routes:
    - { path: /, service: web }
`,
  );
  return loadConfig(file);
}

/** A runtime recording start/stop per color; the worker's container reads `worker(color, read)` on each poll. */
function fakeRuntime(calls: string[], worker: (read: number) => Partial<ProcessState>): ColorRuntime {
  let reads = 0;
  return {
    async stage(color) {
      calls.push(`stage ${color}`);
      return { changed: true, diffs: [], actions: [] };
    },
    async start(color) {
      calls.push(`start ${color}`);
    },
    async stop(color) {
      calls.push(`stop ${color}`);
    },
    async isRunning() {
      return false;
    },
    async processStates(color, service) {
      calls.push(`states ${service}@${color}`);
      const name = `shop-${service}-${color}`;
      return [{ name, running: true, status: "running", restarts: 0, exitCode: 0, health: "", ...worker(reads++) }];
    },
    async logs(color) {
      return [{ service: "worker", name: `shop-worker-${color}`, lines: ["redis: connection refused"] }];
    },
    names: (color: Color) => [`shop-web-${color}`, `shop-worker-${color}`],
  };
}

/** Green live (release r1); curl answers 200 from the color nginx's upstream file points at. */
function hostWithLiveGreen(): FakeHost {
  const host = new FakeHost("h1");
  host.writeFile("/opt/shop/color", "green\n");
  host.files.set("/opt/shop/current", {
    kind: "link",
    mode: "0777",
    owner: "root",
    group: "root",
    target: "/opt/shop/releases/r1",
  });
  host.writeFile(
    "/opt/shop/releases.json",
    JSON.stringify({
      releases: [{ id: "r1", commit: "c1", images: {}, time: "t", actor: "a", result: "deployed", color: "green" }],
    }),
  );
  host.writeFile(UPSTREAM, "upstream shop_web {\n    server 127.0.0.1:15001;\n}\n");
  host.handlers.set("curl", (argv) => {
    const mark = "\n__SLIPWAY_STATUS__:";
    if (!argv.includes("--dump-header")) return { stdout: `ok${mark}200` };
    const preview = /127\.0\.0\.1:3\d{4}\//.test(argv.at(-1) ?? "");
    const file = host.files.get(preview ? "/etc/nginx/slipway/shop-web.preview.upstream.conf" : UPSTREAM)?.content;
    const color = file?.includes(":15001;") ? "green" : "blue";
    return { stdout: `HTTP/1.1 200 X\r\nX-Slipway-Color: ${color}\r\n\r\nhello${mark}200` };
  });
  host.handlers.set("nginx", () => ({ code: 0 }));
  return host;
}

function hostRun(host: FakeHost, cfg: SlipwayConfig, runtime: ColorRuntime, events: DeployEvent[]): HostRun {
  return {
    host,
    user: "deploy",
    config: cfg,
    runtime,
    kind: "deploy",
    releaseId: "r2",
    commit: "c2",
    actor: "tester",
    env: {},
    images: {},
    secrets: {},
    check: false,
    restoreDb: false,
    drainSeconds: 0,
    runId: "run-1",
    sink: (e) => events.push(e),
  };
}

const stepTrail = (events: DeployEvent[]) =>
  events.filter((e): e is StepEvent => e.kind === "step" && e.status !== "started").map((e) => `${e.step}:${e.status}`);
const gateLines = (events: DeployEvent[]) =>
  events.filter((e): e is LogEvent => e.kind === "log" && e.step === "gate").map((e) => e.message);

describe("a worker in one host's deploy", () => {
  it("passes the gate after staying up for health.stable; the old color's worker stops with it at the retire", async () => {
    const host = hostWithLiveGreen();
    const calls: string[] = [];
    const events: DeployEvent[] = [];
    const result = await runHost(
      hostRun(
        host,
        await config(),
        fakeRuntime(calls, () => ({})),
        events,
      ),
      "10.0.0.1",
    );
    expect(result).toMatchObject({ status: "changed", color: "blue", release: "r2" });
    expect(stepTrail(events)).toContain("gate:ok");
    expect(calls.filter((c) => !c.startsWith("states"))).toEqual(["stage blue", "start blue", "stop green"]);
    // Read every 500 ms until up for 1 s: 3 reads at least, only the idle color's worker.
    expect(calls.filter((c) => c.startsWith("states")).length).toBeGreaterThanOrEqual(3);
    expect(new Set(calls.filter((c) => c.startsWith("states")))).toEqual(new Set(["states worker@blue"]));
    expect(gateLines(events)).toContainEqual(
      expect.stringMatching(/^worker on blue is running \(shop-worker-blue running for 1(\.\d)?s\)$/),
    );
    expect(host.files.get("/opt/shop/color")?.content).toBe("blue\n");
  });

  it("a worker that exits fails the gate at once: the new color is stopped, green stays live, recorded failed", async () => {
    const host = hostWithLiveGreen();
    const calls: string[] = [];
    const events: DeployEvent[] = [];
    const crash = (read: number) => (read >= 1 ? { running: false, status: "exited", exitCode: 1 } : {});
    const error = await runHost(hostRun(host, await config(), fakeRuntime(calls, crash), events), "10.0.0.1").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SlipwayError);
    expect((error as SlipwayError).message).toBe(
      "worker (blue) did not stay running for 1s: shop-worker-blue exited (code 1; now exited)",
    );
    // The preview's setup the gate started while it polled is put back by the gate's undo (D84).
    expect(stepTrail(events).slice(-3)).toEqual(["gate:failed", "gate:undone", "start:undone"]);
    expect(gateLines(events)).toEqual([
      "web on blue is healthy (1 checks)",
      "worker on blue did not stay running (shop-worker-blue exited (code 1; now exited)); its last log lines:",
      "  services.worker: shop-worker-blue, last 1 lines:",
      "    redis: connection refused",
      "put back the nginx site as it was before this run",
    ]);
    expect(calls).toEqual(["stage blue", "start blue", "states worker@blue", "states worker@blue", "stop blue"]);
    expect(host.files.get(UPSTREAM)?.content).toContain("127.0.0.1:15001;");
    expect(host.files.get("/opt/shop/color")?.content).toBe("green\n");
    const history = JSON.parse(host.files.get("/opt/shop/releases.json")?.content ?? "{}");
    expect(history.releases.at(-1)).toMatchObject({ id: "r2", result: "failed" });
  });
});

describe("a web process that exits at boot", () => {
  it("fails the gate when the runtime reports it, with the runtime's message, evidence, hint and the logs, once for both instances", async () => {
    const host = hostWithLiveGreen();
    const answer = host.handlers.get("curl");
    host.handlers.set("curl", (argv, options) =>
      /^http:\/\/127\.0\.0\.1:500[12]\/health$/.test(argv.at(-1) ?? "")
        ? { code: 7, stderr: "curl: (7) Failed to connect to 127.0.0.1 port 5001: Connection refused" }
        : answer?.(argv, options),
    );
    const calls: string[] = [];
    const events: DeployEvent[] = [];
    const failure = {
      message: "shop-blue_web: task shop-blue_web.1 on t5 failed 2 times (task: non-zero exit (3))",
      evidence: "shop-blue_web: shop-blue_web.1|t5|Shutdown|Failed 1 second ago|task: non-zero exit (3)",
      hint: "its process exits at boot",
    };
    const runtime: ColorRuntime = {
      ...fakeRuntime(calls, () => ({})),
      async serviceFailure(color, service) {
        calls.push(`failure ${service}@${color}`);
        return service === "web" ? failure : undefined;
      },
      async logs(color, _lines, only) {
        calls.push(`logs ${only?.join(",")}@${color}`);
        return [{ service: "web", name: `shop-web-${color}`, lines: ["APP_CRASH is set: exiting before serving"] }];
      },
    };
    const began = Date.now();
    const error = await runHost(hostRun(host, await config("30s", 2), runtime, events), "10.0.0.1").then(
      () => undefined,
      (e: unknown) => e,
    );
    // The first read comes 2 s into the wait (GATE_STOP_EVERY_MS); the health timeout is 30 s.
    expect(Date.now() - began).toBeLessThan(6_000);
    expect(error).toBeInstanceOf(SlipwayError);
    const e = error as SlipwayError;
    expect([e.message, e.step, e.hint, e.stderrTail]).toEqual([
      failure.message,
      "gate",
      "its process exits at boot; the live color green is untouched",
      failure.evidence,
    ]);
    const failed = events.find((ev): ev is StepEvent => ev.kind === "step" && ev.status === "failed");
    expect(failed?.data).toEqual({
      service: "web",
      logs: [{ service: "web", name: "shop-web-blue", lines: ["APP_CRASH is set: exiting before serving"] }],
    });
    expect(gateLines(events).filter((l) => !l.startsWith("worker"))).toEqual([
      "web on blue failed before it became healthy; its last log lines:",
      "  services.web: shop-web-blue, last 1 lines:",
      "    APP_CRASH is set: exiting before serving",
      // The gate's undo (D84): the site files the preview's setup changed, as they were.
      "put back the nginx site as it was before this run",
    ]);
    expect(stepTrail(events).slice(-3)).toEqual(["gate:failed", "gate:undone", "start:undone"]);
    expect(calls.filter((c) => !c.startsWith("states"))).toEqual([
      "stage blue",
      "start blue",
      "failure web@blue",
      "logs web@blue",
      "stop blue",
    ]);
    expect(host.files.get("/opt/shop/color")?.content).toBe("green\n");
  });
});
