/**
 * The step runner and every failure path of one host's deploy, on the shared in-memory host (test/unit/engine's
 * FakeHost) with a fake runtime: what ran, what was undone and in which order, what the lock and the history say.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { swapSymlinkArgv } from "../../../src/commands/files.js";
import { loadConfig } from "../../../src/config/index.js";
import { deploy } from "../../../src/deploy/deploy.js";
import { HostEmitter } from "../../../src/deploy/emitter.js";
import type { DeployEvent, StepEvent } from "../../../src/deploy/events.js";
import { executeHost, planHost, prepareHost, runHost } from "../../../src/deploy/host-flow.js";
import { Interrupt } from "../../../src/deploy/interrupt.js";
import { switchTo } from "../../../src/deploy/nginx.js";
import { formatTimings, planSteps, runSteps } from "../../../src/deploy/runner.js";
import { switchAndReload } from "../../../src/deploy/steps/switch.js";
import type { FlowState, Step } from "../../../src/deploy/steps/types.js";
import { SlipwayError } from "../../../src/errors.js";
import { previewPort } from "../../../src/render/from-config/nginx.js";
import type { FakeHost } from "../engine/fake-host.js";
import {
  config,
  configText,
  failure,
  hostRun,
  hostWithLiveGreen,
  LINK,
  LOCK,
  listener,
  liveGreen,
  logLines,
  PREVIEW_LINK,
  reloads,
  socketConfig,
  stepTrail,
  UPSTREAM,
} from "./flow-fixtures.js";
import { WaveHost } from "./wave-host.js";

describe("deploy step runner on one host", () => {
  it("runs every step in order, records the release and frees the lock", async () => {
    const host = hostWithLiveGreen();
    const calls: string[] = [];
    const events: DeployEvent[] = [];
    const result = await runHost(hostRun(host, await config(), calls, events), "10.0.0.1");
    expect(result).toMatchObject({ status: "changed", color: "blue", release: "r2" });
    expect(stepTrail(events)).toEqual([
      "lock:changed",
      "reconcile:ok",
      "preflight:ok",
      "certificate:skipped",
      "backup:skipped",
      "stage:changed",
      "start:changed",
      "gate:ok",
      "preview:ok",
      "before_switch:skipped",
      "switch:changed",
      "verify:ok",
      "after_switch:skipped",
      "record:changed",
      "retire:changed",
    ]);
    expect(calls).toEqual(["stage blue", "start blue", "stop green"]);
    expect(host.files.has(LOCK)).toBe(false);
    expect(host.files.get("/opt/shop/color")?.content).toBe("blue\n");
    const history = JSON.parse(host.files.get("/opt/shop/releases.json")?.content ?? "{}");
    expect(history.releases.map((r: { id: string; result: string }) => `${r.id}:${r.result}`)).toEqual([
      "r1:deployed",
      "r2:deployed",
    ]);
    // Every step's end event carries its duration.
    expect(events.filter((e) => e.kind === "step" && e.status !== "started").every((e) => "ms" in e)).toBe(true);
  });

  it("an unhealthy new color is stopped, the live one untouched, the lock freed and the release recorded failed", async () => {
    const host = hostWithLiveGreen({ health: 500 });
    const calls: string[] = [];
    const events: DeployEvent[] = [];
    const error = await failure(runHost(hostRun(host, await config(), calls, events), "10.0.0.1"));
    expect(error.message).toBe("web (blue) did not become healthy at http://127.0.0.1:5001/health: HTTP 500 ok");
    expect(error.hint).toBe("fix the release and deploy again; the live color green is untouched");
    expect(stepTrail(events).slice(-2)).toEqual(["gate:failed", "start:undone"]);
    const gateLines = logLines(events, "gate");
    // Polled every 100 ms until the next pause would pass the 1 s timeout (how many fit depends on the timers).
    expect(gateLines[0]).toMatch(/^web on blue is unhealthy after \d+ checks \(HTTP 500 ok\); its last log lines:$/);
    expect(gateLines.slice(1)).toEqual([
      "  services.web: shop-web@green.service, last 1 lines:",
      "    Traceback: boom",
    ]);
    // The structured event carries the same lines, grouped per process under the service's key.
    const failed = events.find((e) => e.kind === "step" && e.step === "gate" && e.status === "failed");
    expect(failed && "data" in failed ? failed.data : undefined).toEqual({
      service: "web",
      logs: [{ service: "web", name: "shop-web@green.service", lines: ["Traceback: boom"] }],
    });
    expect(calls).toEqual(["stage blue", "start blue", "stop blue"]);
    expect(host.files.get(UPSTREAM)?.content).toContain("127.0.0.1:15001;");
    expect(host.files.has(LOCK)).toBe(false);
    const history = JSON.parse(host.files.get("/opt/shop/releases.json")?.content ?? "{}");
    expect(history.releases.at(-1)).toMatchObject({ id: "r2", result: "failed" });
    expect(host.files.get("/opt/shop/color")?.content).toBe("green\n");
  });

  it("a redirect after the switch is a failure: switched back to the live color, new one stopped", async () => {
    const host = hostWithLiveGreen({ route: 301 });
    const calls: string[] = [];
    const events: DeployEvent[] = [];
    const error = await failure(runHost(hostRun(host, await config(), calls, events), "10.0.0.1"));
    expect(error.message).toBe(
      "verification through nginx failed after the switch: GET http://shop.example/: expected status 200, got 301: hello",
    );
    expect(error.hint).toContain("switched back to green, which serves the previous release");
    expect(stepTrail(events).slice(-3)).toEqual(["verify:failed", "switch:undone", "start:undone"]);
    expect(calls).toEqual(["stage blue", "start blue", "stop blue"]);
    const upstream = host.files.get("/etc/nginx/slipway/shop-web.upstream.conf")?.content ?? "";
    expect(upstream).toContain("server 127.0.0.1:15001;");
    expect(host.files.get("/opt/shop/color")?.content).toBe("green\n");
  });

  it("nginx still answering from the old color after the switch is a failure (a shadowing site)", async () => {
    const host = hostWithLiveGreen({ routeColor: "green" });
    const error = await failure(runHost(hostRun(host, await config(), [], []), "10.0.0.1"));
    expect(error.message).toBe("nginx still answers from green after switching to blue");
    expect(error.hint).toContain("switched back to green");
  });

  it("a release failing through the preview listener is never switched to", async () => {
    const host = hostWithLiveGreen({ preview: 502 });
    const calls: string[] = [];
    const events: DeployEvent[] = [];
    const error = await failure(runHost(hostRun(host, await config(), calls, events), "10.0.0.1"));
    const port = /:(\d+)\/ \(preview listener\)/.exec(error.message)?.[1];
    expect(error.message).toBe(
      `the new release fails through nginx before the switch: GET http://shop.example:${port}/ (preview listener): expected status 200, got 502: hello`,
    );
    expect(Number(port)).toBeGreaterThanOrEqual(30000);
    expect(Number(port)).toBeLessThan(32768);
    expect(stepTrail(events).slice(-2)).toEqual(["preview:failed", "start:undone"]);
    expect(stepTrail(events)).not.toContain("switch:changed");
    expect(host.files.get(UPSTREAM)?.content).toContain("127.0.0.1:15001;");
    expect(calls).toEqual(["stage blue", "start blue", "stop blue"]);
    // The intent written beside the preview's check is gone with it: the next run finds nothing to reconcile.
    expect(host.files.has("/opt/shop/intent.json")).toBe(false);
  });

  it("an interruption after the preview removes the intent written beside its check", async () => {
    const host = hostWithLiveGreen();
    const events: DeployEvent[] = [];
    const interrupt = new Interrupt();
    const run = { ...hostRun(host, await config(), [], events), interrupt };
    run.sink = (e: DeployEvent) => {
      events.push(e);
      if (e.kind === "step" && e.step === "preview" && e.status === "ok") interrupt.reason = "SIGINT";
    };
    const error = await failure(runHost(run, "10.0.0.1"));
    expect(error.message).toBe("interrupted by SIGINT before step before_switch");
    expect(stepTrail(events).slice(-3)).toEqual(["before_switch:interrupted", "preview:undone", "start:undone"]);
    expect(host.files.has("/opt/shop/intent.json")).toBe(false);
  });

  it("with the preview off, the same release is switched to and switched back by the check after the switch", async () => {
    const host = hostWithLiveGreen({ route: 502 });
    const events: DeployEvent[] = [];
    const error = await failure(runHost(hostRun(host, await config("  preview: false\n"), [], events), "10.0.0.1"));
    expect(error.message).toBe(
      "verification through nginx failed after the switch: GET http://shop.example/: expected status 200, got 502: hello",
    );
    expect(stepTrail(events)).toContain("preview:skipped");
    expect(stepTrail(events).slice(-3)).toEqual(["verify:failed", "switch:undone", "start:undone"]);
  });

  it("a run killed between the switch and the record is reconciled: nginx back on the recorded color", async () => {
    const host = hostWithLiveGreen({ health: 500 });
    host.writeFile(UPSTREAM, "upstream shop_web {\n    server 127.0.0.1:5001;\n}\n");
    host.writeFile(
      "/opt/shop/intent.json",
      JSON.stringify({ to: "blue", from: "green", release: "r9", run_id: "7-1", since: "s" }),
    );
    const run = hostRun(host, await config(), [], []);
    run.runtime = { ...run.runtime, isRunning: async (color) => color === "green" };
    const events: DeployEvent[] = [];
    run.sink = (e) => events.push(e);
    await failure(runHost(run, "10.0.0.1"));
    expect(logLines(events, "reconcile")).toEqual([
      "an earlier run (7-1) was switching to blue (release r9) since s and did not finish; nginx serves blue",
      "nginx points at the recorded color green again",
    ]);
    expect(host.files.get(UPSTREAM)?.content).toContain("127.0.0.1:15001;");
    expect(host.files.has("/opt/shop/intent.json")).toBe(false);
  });

  it("without an intent, the live color is what nginx serves, not the color file", async () => {
    const host = hostWithLiveGreen();
    host.writeFile(UPSTREAM, "upstream shop_web {\n    server 127.0.0.1:5001;\n}\n");
    const calls: string[] = [];
    const events: DeployEvent[] = [];
    const result = await runHost(hostRun(host, await config(), calls, events), "10.0.0.1");
    expect(logLines(events, "reconcile")).toEqual([
      "nginx serves blue while the record says green: going by what nginx serves",
    ]);
    expect(result.color).toBe("green");
    expect(calls).toEqual(["stage green", "start green", "stop blue"]);
  });

  it("an interruption between steps starts no new step and undoes what ran", async () => {
    const host = hostWithLiveGreen();
    const calls: string[] = [];
    const events: DeployEvent[] = [];
    const interrupt = new Interrupt();
    const run = { ...hostRun(host, await config(), calls, events), interrupt };
    const runtime = run.runtime;
    run.runtime = {
      ...runtime,
      async start(color) {
        await runtime.start(color);
        interrupt.reason = "SIGTERM";
      },
    };
    const error = await failure(runHost(run, "10.0.0.1"));
    expect(error.message).toBe("interrupted by SIGTERM before step gate");
    expect(stepTrail(events).slice(-3)).toEqual(["start:changed", "gate:interrupted", "start:undone"]);
    expect(calls).toEqual(["stage blue", "start blue", "stop blue"]);
    expect(host.files.has(LOCK)).toBe(false);
  });

  it("a signal during the health gate ends the wait within a poll: interrupted, start undone, lock freed", async () => {
    const host = hostWithLiveGreen({ health: 500 });
    const events: DeployEvent[] = [];
    const interrupt = new Interrupt();
    const run = { ...hostRun(host, await config(), [], events), interrupt };
    // The gate's first answer (500) arrives, then the signal: without it the gate would poll on until its timeout.
    const curl = host.handlers.get("curl");
    let raisedAt = 0;
    host.handlers.set("curl", (argv, options) => {
      if (!argv.includes("--dump-header") && !raisedAt) {
        raisedAt = Date.now();
        interrupt.raise("SIGINT");
      }
      return curl?.(argv, options);
    });
    const error = await failure(runHost(run, "10.0.0.1"));
    // The gate's timeout is 1 s: the run ends with the undo, not after the gate's remaining polls.
    expect(Date.now() - raisedAt).toBeLessThan(500);
    expect(error.message).toBe("interrupted by SIGINT during step gate");
    expect(stepTrail(events).slice(-2)).toEqual(["gate:interrupted", "start:undone"]);
    expect(host.files.get(UPSTREAM)?.content).toContain("127.0.0.1:15001;");
    expect(host.files.has(LOCK)).toBe(false);
  });

  it("an unlock error is reported beside the failure, not instead of it", async () => {
    const host = hostWithLiveGreen({ health: 500 });
    host.handlers.set("rm", (argv) =>
      argv.includes(LOCK) ? { code: 1, stderr: "rm: Read-only file system" } : undefined,
    );
    const error = await failure(runHost(hostRun(host, await config(), [], []), "10.0.0.1"));
    expect(error.message).toContain("did not become healthy");
    expect(error.hint).toContain(
      "also: lock: cannot remove the deploy lock /opt/shop/.slipway-lock: rm: Read-only file system",
    );
  });

  it("a lock held by another run fails the host and is left in place", async () => {
    const host = hostWithLiveGreen();
    host.files.set(LOCK, { kind: "directory", mode: "0755", owner: "deploy", group: "deploy" });
    const holder = {
      holder: "carol",
      commit: "feed",
      since: "2026-11-01T08:00:00Z",
      run_id: "77-1",
      pid: 9,
      host: "r",
    };
    host.writeFile(`${LOCK}/holder`, JSON.stringify(holder));
    const calls: string[] = [];
    const error = await failure(runHost(hostRun(host, await config(), calls, []), "10.0.0.1"));
    expect(error.message).toBe(
      `deploy lock ${LOCK} is held by carol (commit feed, run 77-1, pid 9 on r) since 2026-11-01T08:00:00Z`,
    );
    expect(calls).toEqual([]);
    expect(JSON.parse(host.files.get(`${LOCK}/holder`)?.content ?? "{}")).toEqual(holder);
  });

  it("a missing database with a live release stops before any change, naming the path", async () => {
    const host = hostWithLiveGreen();
    const calls: string[] = [];
    const cfg = await config("database:\n  engine: sqlite\n  path: /var/lib/shop/wrong.db\n");
    const error = await failure(runHost(hostRun(host, cfg, calls, []), "10.0.0.1"));
    expect(error.message).toBe(
      "no database at /var/lib/shop/wrong.db, but release r1 is live: refusing to deploy without a backup",
    );
    expect(calls).toEqual([]);
  });

  it("a secret with no value stops the run at preflight: no lock change, no backup, nothing staged", async () => {
    const host = hostWithLiveGreen();
    const calls: string[] = [];
    const events: DeployEvent[] = [];
    const dir = mkdtempSync(join(tmpdir(), "slipway-flow-"));
    const file = join(dir, "slipway.yml");
    writeFileSync(
      file,
      configText().replace(
        '    systemd: { app_module: "shop:app" }\n',
        '    systemd: { app_module: "shop:app" }\n    secrets: [SECRET_KEY]\n',
      ),
    );
    const error = await failure(runHost(hostRun(host, await loadConfig(file), calls, events), "10.0.0.1"));
    expect(error.message).toBe("missing secret in the environment: SECRET_KEY (services.web.secrets)");
    expect(stepTrail(events)).toContain("preflight:failed");
    expect(stepTrail(events)).not.toContain("backup:ok");
    expect(calls).toEqual([]);
    expect(host.files.has(`${LOCK}/holder`)).toBe(false);
  });

  it("a first deploy without a database file yet goes ahead without a backup", async () => {
    const host = hostWithLiveGreen({}, false);
    const cfg = await config("database:\n  engine: sqlite\n  path: /var/lib/shop/shop.db\n");
    const result = await runHost(hostRun(host, cfg, [], []), "10.0.0.1");
    expect(result).toMatchObject({ status: "changed", color: "blue" });
    expect(result.backup).toBeUndefined();
  });

  it("the deploy dir is made (and given to the SSH user) on a first deploy only: a live release proves it exists", async () => {
    const makesDir = (host: FakeHost) =>
      host.commands.filter((c) => c.argv[0] === "sh" && c.argv.at(-2) === "/opt/shop" && c.argv.at(-1) === "deploy");
    const first = hostWithLiveGreen({}, false);
    await runHost(hostRun(first, await config(), [], []), "10.0.0.1");
    expect(makesDir(first)).toEqual([{ argv: expect.arrayContaining(["sh", "-c"]), become: true }]);
    const next = hostWithLiveGreen();
    await runHost(hostRun(next, await config(), [], []), "10.0.0.1");
    expect(makesDir(next)).toEqual([]);
  });

  it("stop-first: nginx -t failing (an unrelated file) stops the run before the old color is stopped", async () => {
    const host = hostWithLiveGreen({ nginxTest: 1 });
    const calls: string[] = [];
    const events: DeployEvent[] = [];
    const error = await failure(runHost(hostRun(host, await config("strategy: stop-first\n"), calls, events), "x"));
    expect(error.message).toBe("nginx -t fails with the configuration already on the host: nothing was changed");
    expect(error.stderrTail).toBe("nginx: [emerg] unknown directive");
    expect(calls).toEqual([]);
    expect(stepTrail(events)).toEqual(["lock:changed", "reconcile:ok", "preflight:failed"]);
  });

  it("stop-first: a failed start starts the old color again", async () => {
    const host = hostWithLiveGreen();
    const calls: string[] = [];
    const run = hostRun(host, await config("strategy: stop-first\n"), calls, []);
    run.runtime = {
      ...run.runtime,
      async start(color) {
        calls.push(`start ${color}`);
        throw new SlipwayError("unit failed to start");
      },
    };
    const error = await failure(runHost(run, "x"));
    expect(error.hint).toBe("green was started again and serves the previous release");
    expect(calls).toEqual(["stage blue", "stop green", "start blue", "stop blue"]);
    expect(host.ran).toContain("sudo -n systemctl start shop-web@green");
  });

  it("check mode plans the same steps and changes nothing", async () => {
    const host = hostWithLiveGreen();
    const calls: string[] = [];
    const events: DeployEvent[] = [];
    const cfg = await config();
    const result = await runHost({ ...hostRun(host, cfg, calls, events), check: true }, "10.0.0.1");
    expect(result.status).toBe("changed");
    const lines = logLines(events);
    expect(lines).toEqual([
      "plan: deploy r2 to blue (live: r1 on green)",
      "  privilege: root (deploy is root-equivalent: sudo for every privileged step)",
      "  wrote shop-web@blue",
      "  start shop-web@blue and gate on health",
      `  check every route through nginx on 127.0.0.1:${previewPort(cfg)} against blue`,
      "  switch nginx to blue (proxy.switch reload)",
      "  stop shop-web@green right after the switch (drain 0s)",
    ]);
    expect(host.files.has(LOCK)).toBe(false);
    expect(host.ran.filter((c) => c.startsWith("mkdir") || c.startsWith("<putFile>"))).toEqual([]);
  });

  it("a release id that is not one path segment is refused before anything connects", async () => {
    const cfg = await config();
    const error = await failure(deploy({ config: cfg, releaseId: "../backups", commit: "c", check: true }));
    expect(error.message).toBe('--release-id "../backups" is not a release id');
  });
});

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

describe("the switch by socket links (proxy.switch socket)", () => {
  it("moves users to the new color by repointing the link: no nginx reload, preview link on the old color", async () => {
    const { host, cfg } = await liveGreen();
    expect(host.files.get(LINK)?.target).toBe(listener("green"));
    expect(host.files.get(PREVIEW_LINK)?.target).toBe(listener("blue"));
    const events: DeployEvent[] = [];
    const result = await runHost(hostRun(host, cfg, [], events), "10.0.0.1");
    expect(result).toMatchObject({ status: "changed", color: "blue" });
    expect(host.files.get(LINK)?.target).toBe(listener("blue"));
    expect(host.files.get(PREVIEW_LINK)?.target).toBe(listener("green"));
    expect(reloads(host)).toBe(0);
    // The site's files do not name the live color: the deploy rewrote none of them.
    const written = host.commands.filter((c) => c.argv[0] === "<putFile>" && c.argv[1]?.startsWith("/etc/nginx"));
    expect(written).toEqual([]);
    expect(logLines(events, "switch")).toEqual(["switched nginx to blue"]);
  });

  it("a failure after the switch points the link back at the old color, still without a reload", async () => {
    const { host, cfg } = await liveGreen({ route: 502 }, "  preview: false\n");
    const error = await failure(runHost(hostRun(host, cfg, [], []), "10.0.0.1"));
    expect(error.message).toContain("verification through nginx failed after the switch");
    expect(host.files.get(LINK)?.target).toBe(listener("green"));
    expect(reloads(host)).toBe(0);
    expect(cfg.proxy.switch).toBe("socket");
  });

  it("the switch back issues the same commands as the switch, the color aside: the links, then one look, no reload (D61)", async () => {
    const { host, cfg } = await liveGreen();
    // Each command with the colors blanked: what the switch does, whichever way it goes (undo calls it with the live color).
    const kinds = () => host.ran.map((c) => c.replaceAll(/green|blue/g, "<color>"));
    await switchAndReload(host, cfg, "blue");
    const forward = kinds();
    host.commands.length = 0;
    await switchAndReload(host, cfg, "green");
    expect(kinds()).toEqual(forward);
    expect(forward.map((c) => c.split(" ")[0])).toEqual(["sh", "curl"]);
    expect(reloads(host)).toBe(0);
  });

  it("only a changed site file reloads (proxy.preview toggled): on the way there, not back (D61)", async () => {
    const { host } = await liveGreen();
    const noPreview = await socketConfig("  preview: false\n");
    // What the plan reads (check mode) to say that this switch reloads.
    expect((await switchTo(host, noPreview, "blue", true))?.filesChanged).toBe(true);
    await switchAndReload(host, noPreview, "blue");
    expect(reloads(host)).toBe(1);
    host.commands.length = 0;
    await switchAndReload(host, noPreview, "green");
    expect(reloads(host)).toBe(0);
    expect((await switchTo(host, noPreview, "blue", true))?.filesChanged).toBe(false);
  });

  it("reloads once when the running nginx does not answer from the color the link names", async () => {
    const { host, cfg } = await liveGreen({ routeColor: "green" });
    const error = await failure(runHost(hostRun(host, cfg, [], []), "10.0.0.1"));
    // The reload did not help (a shadowing site): the run fails and goes back.
    expect(error.message).toBe("nginx still answers from green after switching to blue");
    expect(reloads(host)).toBeGreaterThanOrEqual(1);
  });

  it("round trips one after another: read 1, plan 2 (the lock, then the reads under it), then 4 up to the switch, 8 in all (a wave: what runs at once)", async () => {
    const { host: fake, cfg } = await liveGreen();
    const host = new WaveHost(fake);
    const serving: number[] = [];
    const sink = (e: DeployEvent) => {
      if (e.kind === "step" && e.step === "switch" && e.status === "changed") serving.push(host.waves);
    };
    const run = { ...hostRun(fake, cfg, [], []), host, sink };
    const prepared = await host.run(() => prepareHost(run, "10.0.0.1"));
    const read = host.waves;
    await host.run(() => planHost(prepared, { lockAhead: true }));
    const planned = host.waves - read;
    const result = await host.run(() => executeHost(prepared));
    expect(result.status).toBe("changed");
    // The lock and its record are one command, taken beside the plan's reads, and so are the unlock's read of the
    // record and its removal; the reconcile's reads and `nginx -t` come under the lock while the plan reads (the run
    // starts at the stage), the preview's setup with the gate's polls and the switch intent with the preview's check.
    expect([read, planned, (serving[0] ?? 0) - read - planned, host.waves - read - planned]).toEqual([1, 2, 4, 8]);
    const wave = (what: string) => host.log.findIndex((w) => w.some((c) => c.startsWith(what)));
    expect(wave("exec sh -c mkdir")).toBe(wave('exec sh -c echo "uid=$(id -u)"'));
    expect(host.log.filter((w) => w.some((c) => c.startsWith("exec sh -c mkdir")))).toHaveLength(1);
    expect(wave("exec nginx -t")).toBe(wave("exec sh -c mkdir") + 1);
    expect(wave("exec nginx -t")).toBe(wave("readFile /opt/shop/intent.json"));
    expect(host.log[wave("putFile /opt/shop/intent.json")]?.some((c) => c.startsWith("exec curl"))).toBe(true);
    expect(wave("exec mkdir -p -- /etc/nginx/slipway")).toBe(wave("exec curl --silent --show-error --max-time 1 "));
  });

  it("reads the site while the links move, and writes a changed site only once they have moved", async () => {
    const { host: fake, cfg } = await liveGreen();
    const site = [...fake.files.keys()].find((p) => p.startsWith("/etc/nginx/conf.d/")) as string;
    fake.writeFile(site, "# an older site\n");
    const host = new WaveHost(fake);
    await host.run(() => switchTo(host, cfg, "blue"));
    const waveOf = (what: (c: string) => boolean) => host.log.findIndex((wave) => wave.some(what));
    const moved = waveOf((c) => c.startsWith("exec sh -c") && c.includes(" set "));
    expect(waveOf((c) => c === `readFile ${site}`)).toBe(moved);
    expect(waveOf((c) => c === `write ${site}`)).toBeGreaterThan(moved);
    expect(fake.files.get(LINK)?.target).toBe(listener("blue"));
  });

  it("the same release again is known in 2 round trips one after another: what is live, then 3 looks at once", async () => {
    const { host: fake, cfg } = await liveGreen();
    await runHost(hostRun(fake, cfg, [], []), "10.0.0.1");
    fake.files.set("/opt/shop/current", { kind: "link", mode: "0777", owner: "root", group: "root", target: "r2" });
    const host = new WaveHost(fake);
    const run = { ...hostRun(fake, cfg, [], []), host };
    run.runtime = {
      ...run.runtime,
      isRunning: async () => (await host.exec(["docker", "inspect"])).code === 0,
      stage: async () =>
        (await host.readFile("/opt/shop/env")) ? undefined : { changed: false, diffs: [], actions: [] },
    } as typeof run.runtime;
    const prepared = await host.run(() => prepareHost(run, "10.0.0.1"));
    expect(prepared.same).toBe("r2");
    expect(host.waves).toBe(2);
    expect(host.log[1]?.some((c) => c.startsWith("exec docker inspect"))).toBe(true);
    expect(host.log[1]?.some((c) => c.startsWith("readFile /opt/shop/env"))).toBe(true);
  });

  it("the same release again changes nothing: the links already point where they should", async () => {
    const { host, cfg } = await liveGreen();
    const first = await runHost(hostRun(host, cfg, [], []), "10.0.0.1");
    expect(first.status).toBe("changed");
    const run = hostRun(host, cfg, [], []);
    run.runtime = {
      ...run.runtime,
      isRunning: async () => true,
      stage: async () => ({ changed: false, diffs: [], actions: [] }),
    };
    host.commands.length = 0;
    // markLive's `sh -c` rename is not run by the fake host: `current` is set as it would leave it.
    host.files.set("/opt/shop/current", { kind: "link", mode: "0777", owner: "root", group: "root", target: "r2" });
    const again = await runHost(run, "10.0.0.1");
    expect(again).toMatchObject({ status: "ok", color: "blue", release: "r2" });
    expect(host.files.get(LINK)?.target).toBe(listener("blue"));
    expect(host.commands.some((c) => c.argv[0] === "sh" && c.argv[4] === "set")).toBe(false);
  });
});

describe("--lock-wait: the host read again once the lock is held (D36)", () => {
  const history = (host: FakeHost) =>
    JSON.parse(host.files.get("/opt/shop/releases.json")?.content ?? "{}").releases.map(
      (r: { id: string; result: string; color: string }) => `${r.id}:${r.result}:${r.color}`,
    );

  /**
   * B is prepared (green r1 live), then waits for alice's lock; meanwhile A deploys `aCommit` (forcing alice's lock
   * over, as a run that found it stale would) and frees the lock. Resolves B's result and what B's runtime did.
   */
  async function waitBehind(aCommit: string) {
    const host = hostWithLiveGreen();
    const cfg = await config();
    // The record's `current` link swap (commands/files.ts swapSymlinkArgv), as the real `ln` + `mv -T` do it.
    const sh = host.handlers.get("sh");
    host.handlers.set("sh", (argv, options) => {
      if (argv[2] !== swapSymlinkArgv("", "")[2]) return sh?.(argv, options);
      host.files.set(argv[5] as string, { kind: "link", mode: "0777", owner: "root", group: "root", target: argv[4] });
      return {};
    });
    host.files.set(LOCK, { kind: "directory", mode: "0755", owner: "deploy", group: "deploy" });
    host.writeFile(`${LOCK}/holder`, JSON.stringify({ holder: "alice", commit: "c0", since: "2026-11-30T17:34:56Z" }));
    const bCalls: string[] = [];
    const events: DeployEvent[] = [];
    const b = { ...hostRun(host, cfg, bCalls, events), runId: "run-B", lockWaitSeconds: 5, interrupt: new Interrupt() };
    // B's color runs once started, and nothing differs from what a deploy of the same release staged.
    b.runtime = { ...b.runtime, isRunning: async () => true };
    b.runtime.stage = async (color, input) => {
      bCalls.push(`stage ${color}`);
      return { changed: !input?.check, diffs: [], actions: [] };
    };
    const prepared = await prepareHost(b, "10.0.0.1");
    const a = { ...hostRun(host, cfg, [], []), releaseId: "rA", commit: aCommit, runId: "run-A", forceUnlock: true };
    let ranA: Promise<unknown> | null = null;
    const mkdirs = () => host.commands.filter((c) => c.argv[3] === "slipway-lock").length;
    const trigger = setInterval(() => {
      if (mkdirs() >= 1 && !ranA) ranA = runHost(a, "10.0.0.1");
    }, 1);
    try {
      const result = await executeHost(prepared);
      await ranA;
      return { host, result, bCalls, events };
    } finally {
      clearInterval(trigger);
    }
  }

  it("A deployed the same commit while B waited: B does nothing (exit 0) and the history keeps A's release", async () => {
    const { host, result, bCalls, events } = await waitBehind("c2");
    expect(result).toMatchObject({ status: "ok", color: "blue", release: "rA" });
    expect(bCalls).toEqual(["stage blue"]);
    expect(stepTrail(events)).toEqual(["lock:changed"]);
    expect(logLines(events)).toContain("release rA is already live on blue: nothing to do");
    expect(history(host)).toEqual(["r1:deployed:green", "rA:deployed:blue"]);
    expect(host.files.get("/opt/shop/color")?.content).toBe("blue\n");
    expect(host.files.has(LOCK)).toBe(false);
  });

  /** B is prepared (green r1 live, lock free), then A deploys `aCommit` in full before B runs: no lock wait at all. */
  async function deployedBetween(aCommit: string) {
    const host = hostWithLiveGreen();
    const cfg = await config();
    const sh = host.handlers.get("sh");
    host.handlers.set("sh", (argv, options) => {
      if (argv[2] !== swapSymlinkArgv("", "")[2]) return sh?.(argv, options);
      host.files.set(argv[5] as string, { kind: "link", mode: "0777", owner: "root", group: "root", target: argv[4] });
      return {};
    });
    const bCalls: string[] = [];
    const events: DeployEvent[] = [];
    const b = { ...hostRun(host, cfg, bCalls, events), runId: "run-B" };
    b.runtime = { ...b.runtime, isRunning: async () => true };
    b.runtime.stage = async (color, input) => {
      bCalls.push(`stage ${color}`);
      return { changed: !input?.check, diffs: [], actions: [] };
    };
    const prepared = await prepareHost(b, "10.0.0.1");
    await runHost({ ...hostRun(host, cfg, [], []), releaseId: "rA", commit: aCommit, runId: "run-A" }, "10.0.0.1");
    const result = await executeHost(prepared);
    return { host, result, bCalls, events };
  }

  it("A deployed between B's plan and B's lock (the lock free): B re-plans under the lock, onto the idle color", async () => {
    const { host, result, bCalls, events } = await deployedBetween("cA");
    expect(result).toMatchObject({ status: "changed", color: "green", release: "r2", previousRelease: "rA" });
    expect(bCalls).toEqual(["stage green", "start green", "stop blue"]);
    expect(logLines(events, "reconcile")).toContain("re-planned: deploy r2 to green");
    expect(history(host)).toEqual(["r1:deployed:green", "rA:deployed:blue", "r2:deployed:green"]);
  });

  it("A deployed the same commit between B's plan and B's lock: B does nothing", async () => {
    const { result, events } = await deployedBetween("c2");
    expect(result).toMatchObject({ status: "ok", color: "blue", release: "rA" });
    expect(stepTrail(events)).toEqual(["lock:changed", "reconcile:ok"]);
  });

  it("A deployed another commit: B deploys to the idle color of the new state and appends to A's history", async () => {
    const { host, result, bCalls, events } = await waitBehind("cA");
    expect(result).toMatchObject({ status: "changed", color: "green", release: "r2", previousRelease: "rA" });
    expect(bCalls).toEqual(["stage green", "start green", "stop blue"]);
    expect(logLines(events, "lock")).toContain("re-planned: deploy r2 to green");
    expect(history(host)).toEqual(["r1:deployed:green", "rA:deployed:blue", "r2:deployed:green"]);
    expect(host.files.get("/opt/shop/color")?.content).toBe("green\n");
  });
});
