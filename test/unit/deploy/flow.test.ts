/**
 * The step runner and every failure path of one host's deploy, on the shared in-memory host (test/unit/engine's
 * FakeHost) with a fake runtime: what ran, what was undone and in which order, what the lock and the history say.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.js";
import { deploy } from "../../../src/deploy/deploy.js";
import type { DeployEvent } from "../../../src/deploy/events.js";
import { runHost } from "../../../src/deploy/host-flow.js";
import { Interrupt } from "../../../src/deploy/interrupt.js";
import { SlipwayError } from "../../../src/errors.js";
import { previewPort } from "../../../src/render/from-config/nginx.js";
import type { FakeHost } from "../engine/fake-host.js";
import {
  config,
  configText,
  failure,
  hostRun,
  hostWithLiveGreen,
  LOCK,
  logLines,
  stepTrail,
  UPSTREAM,
} from "./flow-support.js";

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
    // The preview's setup the gate started while it polled is put back by the gate's undo (D84).
    expect(stepTrail(events).slice(-3)).toEqual(["gate:failed", "gate:undone", "start:undone"]);
    const gateLines = logLines(events, "gate");
    // Polled every 100 ms until the next pause would pass the 1 s timeout (how many fit depends on the timers).
    expect(gateLines[0]).toMatch(/^web on blue is unhealthy after \d+ checks \(HTTP 500 ok\); its last log lines:$/);
    expect(gateLines.slice(1)).toEqual([
      "  services.web: shop-web@green.service, last 1 lines:",
      "    Traceback: boom",
      "put back the nginx site as it was before this run",
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
    expect(stepTrail(events).slice(-3)).toEqual(["preview:failed", "preview:undone", "start:undone"]);
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
    expect(stepTrail(events).slice(-3)).toEqual(["gate:interrupted", "gate:undone", "start:undone"]);
    expect(host.files.get(UPSTREAM)?.content).toContain("127.0.0.1:15001;");
    expect(host.files.has(LOCK)).toBe(false);
  });

  it("a signal during the drain ends it within a poll: the recorded release stays, the old color runs on (D56)", async () => {
    const host = hostWithLiveGreen();
    const calls: string[] = [];
    const events: DeployEvent[] = [];
    const interrupt = new Interrupt();
    const run = { ...hostRun(host, await config(), calls, events), interrupt, drainSeconds: 30 };
    let raisedAt = 0;
    host.handlers.set("ss", () => {
      if (!raisedAt) {
        raisedAt = Date.now();
        setTimeout(() => interrupt.raise("SIGINT"), 10);
      }
      return { stdout: "ESTAB 0 0 127.0.0.1:15001 127.0.0.1:40000\n" };
    });
    const error = await failure(runHost(run, "10.0.0.1"));
    expect(Date.now() - raisedAt).toBeLessThan(500);
    expect(error.message).toBe("interrupted by SIGINT during step retire (the drain of green stopped waiting)");
    expect(error.hint).toBe(
      "green (the previous release) still runs, nginx sends it no new request: the next deploy replaces it; release r2 is live on blue and recorded",
    );
    expect(calls).toEqual(["stage blue", "start blue"]);
    expect(host.files.get("/opt/shop/color")?.content).toBe("blue\n");
    // The record the run made stays: a failure after it is not a failed release.
    const history = JSON.parse(String(host.files.get("/opt/shop/releases.json")?.content));
    expect(history.releases.at(-1)).toMatchObject({ id: "r2", color: "blue", result: "deployed" });
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
      "  warning: drain is 0s: the old color (green) stops right after the switch, cutting the requests still in flight to it (502s and connection errors under load); a drain of a few seconds lets them finish (it ends as soon as no connection is left; default 5s)",
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
