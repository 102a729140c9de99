/**
 * D83: nginx stopped on the host. `status` reads systemd's state of nginx with its script (a problem: exit 2); a
 * deploy's plan (`slipway plan`, `--check`, the plan every run makes first) and its preflight refuse before anything
 * changed (a stop-first deploy stops nothing), and so does the reconcile of a killed run's switch intent, which would
 * otherwise fail half-way pointing nginx back.
 */
import { describe, expect, it } from "vitest";
import type { DeployEvent } from "../../../src/deploy/events.js";
import { executeHost, planHost, prepareHost, runHost } from "../../../src/deploy/host-flow.js";
import {
  NGINX_UNIT_PROBE,
  nginxDownError,
  nginxDownProblem,
  nginxDownState,
  nginxUnitArgv,
} from "../../../src/deploy/nginx-running.js";
import { parseHostStatus, statusPlan } from "../../../src/deploy/status.js";
import { formatHostStatus } from "../../../src/deploy/status-format.js";
import type { FakeHost } from "../engine/fake-host.js";
import { config, failure, hostRun, hostWithLiveGreen, LOCK, logLines, stepTrail, UPSTREAM } from "./flow-support.js";

const HINT = "start it (`sudo systemctl start nginx`; `systemctl status nginx` says why it stopped)";
const STOPPED = ["ActiveState=inactive", "SubState=dead"];

describe("nginx's state, judged the same for status and preflight", () => {
  it("reads the nginx unit's ActiveState and SubState", () => {
    expect(NGINX_UNIT_PROBE).toEqual({ kind: "unit", target: "nginx" });
    expect(nginxUnitArgv()).toEqual(["systemctl", "show", "--property=ActiveState,SubState", "--", "nginx"]);
  });

  it("is down unless active or reloading; nothing read is not judged", () => {
    expect(nginxDownState(STOPPED)).toBe("inactive (dead)");
    expect(nginxDownState(["ActiveState=failed", "SubState=failed"])).toBe("failed (failed)");
    expect(nginxDownState(["ActiveState=deactivating", "SubState=stop"])).toBe("deactivating (stop)");
    expect(nginxDownState(["ActiveState=active", "SubState=running"])).toBe(null);
    expect(nginxDownState(["ActiveState=reloading", "SubState=reload"])).toBe(null);
    expect(nginxDownState([])).toBe(null);
  });

  it("says what is wrong and the way out", () => {
    expect(nginxDownProblem("failed (failed)")).toBe(
      `nginx is not running (systemctl: failed (failed)): the site refuses every connection; ${HINT}`,
    );
    expect(nginxDownError("t11", "inactive (dead)").describe()).toBe(
      [
        'host t11, step "preflight": nginx is not running on t11 (systemctl: inactive (dead)): nothing was changed',
        "  command: systemctl show --property=ActiveState,SubState -- nginx",
        `  next: ${HINT}, then deploy again`,
      ].join("\n"),
    );
  });

  it("at plan the hint says what the run leaves; a rollback is run again as a rollback", () => {
    const left = "the live color green is untouched";
    expect(nginxDownError("t11", "failed (failed)", { kind: "rollback", left }).hint).toBe(
      `${HINT}, then roll back again; the live color green is untouched`,
    );
  });

  it("with a killed run's switch intent: reconcile's refusal, naming the run and the color it switched to", () => {
    const error = nginxDownError("t11", "inactive (dead)", { intent: { to: "blue", run_id: "7-1" } });
    expect(error.describe()).toBe(
      [
        'host t11, step "reconcile": nginx is not running on t11 (systemctl: inactive (dead)); an earlier run (7-1) did not finish its switch to blue, and nginx cannot be pointed back at the recorded color while it is stopped: nothing was changed',
        "  command: systemctl show --property=ActiveState,SubState -- nginx",
        `  next: ${HINT}, then deploy again (it first points nginx back at the recorded color)`,
      ].join("\n"),
    );
  });
});

/** The status script's output on a host with green live and healthy, nginx's unit section as given. */
function statusOutput(nginx: readonly string[]): string {
  return [
    "@@current",
    "/opt/shop/releases/r1",
    "@@color",
    "green",
    "@@lock",
    "",
    "@@disk",
    "/dev/sda1 10485760 5242880 5242880 50% /",
    "@@unit|shop-web@blue",
    "ActiveState=inactive",
    "SubState=dead",
    "@@unit|shop-web@green",
    "ActiveState=active",
    "SubState=running",
    "@@health|http://127.0.0.1:15001/health",
    "200",
    "@@unit|nginx",
    ...nginx,
  ].join("\n");
}

describe("slipway status with nginx stopped (D83)", () => {
  it("is a problem (exit 2), said first, though every service answers on its port", async () => {
    const cfg = await config();
    const plan = { ...statusPlan(cfg, (c) => [`shop-web@${c}`], null), nginx: NGINX_UNIT_PROBE };
    const s = parseHostStatus("h1", "/opt/shop", plan, statusOutput(STOPPED));
    expect(s.nginxDown).toBe("inactive (dead)");
    expect(s.health.map((h) => h.healthy)).toEqual([true]);
    expect(s.problems).toEqual([
      `nginx is not running (systemctl: inactive (dead)): the site refuses every connection; ${HINT}`,
    ]);
    expect(formatHostStatus(s).split("\n").at(-1)).toBe(
      `  UNHEALTHY: nginx is not running (systemctl: inactive (dead)): the site refuses every connection; ${HINT}`,
    );
  });

  it("nginx running: healthy, no field", async () => {
    const cfg = await config();
    const plan = { ...statusPlan(cfg, (c) => [`shop-web@${c}`], null), nginx: NGINX_UNIT_PROBE };
    const s = parseHostStatus("h1", "/opt/shop", plan, statusOutput(["ActiveState=active", "SubState=running"]));
    expect(s.nginxDown).toBeUndefined();
    expect(s.problems).toEqual([]);
  });
});

/** The fake host answering `systemctl show ... nginx` with `lines`. */
function withNginx(host: FakeHost, lines: readonly string[]): FakeHost {
  host.handlers.set("systemctl", (argv) =>
    argv[1] === "show" && argv.at(-1) === "nginx" ? { stdout: `${lines.join("\n")}\n` } : undefined,
  );
  return host;
}

describe("a deploy with nginx stopped (D83)", () => {
  it("stop-first: preflight refuses before the old color is stopped, naming the host and nginx", async () => {
    const host = withNginx(hostWithLiveGreen(), STOPPED);
    const calls: string[] = [];
    const events: DeployEvent[] = [];
    const error = await failure(runHost(hostRun(host, await config("strategy: stop-first\n"), calls, events), "x"));
    expect(error.message).toBe("nginx is not running on h1 (systemctl: inactive (dead)): nothing was changed");
    expect(error.step).toBe("preflight");
    expect(error.hint).toBe(`${HINT}, then deploy again; the live color green is untouched`);
    expect(calls).toEqual([]);
    expect(stepTrail(events)).toEqual(["lock:changed", "reconcile:ok", "preflight:failed"]);
    expect(host.files.get("/opt/shop/color")?.content).toBe("green\n");
  });

  it("nginx running: the same deploy goes through", async () => {
    const host = withNginx(hostWithLiveGreen(), ["ActiveState=active", "SubState=running"]);
    const calls: string[] = [];
    const result = await runHost(hostRun(host, await config("strategy: stop-first\n"), calls, []), "x");
    expect(result).toMatchObject({ status: "changed", color: "blue", release: "r2" });
    expect(host.ran).toContain("systemctl show --property=ActiveState,SubState -- nginx");
  });
});

const PREFLIGHT_REFUSAL = "nginx is not running on h1 (systemctl: inactive (dead)): nothing was changed";
const UNTOUCHED_HINT = `${HINT}, then deploy again; the live color green is untouched`;

describe("the plan with nginx stopped (D83)", () => {
  it("`slipway plan` / `--check`: the host fails at preflight's plan with the run's message and hint", async () => {
    const host = withNginx(hostWithLiveGreen(), STOPPED);
    const calls: string[] = [];
    const events: DeployEvent[] = [];
    const run = { ...hostRun(host, await config(), calls, events), check: true };
    const error = await failure(runHost(run, "x"));
    expect(error.message).toBe(PREFLIGHT_REFUSAL);
    expect(error.step).toBe("preflight");
    expect(error.hint).toBe(UNTOUCHED_HINT);
    expect(host.ran).toContain("systemctl show --property=ActiveState,SubState -- nginx");
  });

  it("a first deploy's plan says nothing was live", async () => {
    const host = withNginx(hostWithLiveGreen({}, false), STOPPED);
    const run = { ...hostRun(host, await config(), [], []), check: true };
    const error = await failure(runHost(run, "x"));
    expect(error.message).toBe(PREFLIGHT_REFUSAL);
    expect(error.hint).toBe(`${HINT}, then deploy again; nothing was live before`);
  });

  it("a deploy stops at its plan (the lock it took ahead is the only thing written), with the same words", async () => {
    const host = withNginx(hostWithLiveGreen(), STOPPED);
    const calls: string[] = [];
    const prepared = await prepareHost(hostRun(host, await config(), calls, []), "x", { plan: true, lockAhead: true });
    const error = await failure(planHost(prepared, { lockAhead: true }));
    expect([error.message, error.hint]).toEqual([PREFLIGHT_REFUSAL, UNTOUCHED_HINT]);
    // The plan's stage in check mode only: nothing started or stopped.
    expect(calls).toEqual(["stage blue"]);
  });

  it("nginx running: the plan reads its state and goes on", async () => {
    const host = withNginx(hostWithLiveGreen(), ["ActiveState=active", "SubState=running"]);
    const run = { ...hostRun(host, await config(), [], []), check: true };
    expect(await runHost(run, "x")).toMatchObject({ status: "changed", color: "green" });
  });
});

const INTENT = "/opt/shop/intent.json";
const INTENT_REFUSAL =
  "nginx is not running on h1 (systemctl: inactive (dead)); an earlier run (7-1) did not finish its switch to blue, and nginx cannot be pointed back at the recorded color while it is stopped: nothing was changed";

/** Green recorded live, a killed run's intent to blue on the host, nginx's files left on blue, nginx as `nginx`. */
function killedMidSwitch(nginx: readonly string[]): FakeHost {
  const host = withNginx(hostWithLiveGreen(), nginx);
  host.writeFile(UPSTREAM, "upstream shop_web {\n    server 127.0.0.1:5001;\n}\n");
  host.writeFile(INTENT, JSON.stringify({ to: "blue", from: "green", release: "r9", run_id: "7-1", since: "s" }));
  return host;
}

describe("reconcile of a killed run's switch intent with nginx stopped (D83)", () => {
  it("the run refuses at reconcile before pointing nginx back: files, intent and colors as they were", async () => {
    const host = killedMidSwitch(STOPPED);
    const calls: string[] = [];
    const events: DeployEvent[] = [];
    const run = hostRun(host, await config(), calls, events);
    run.runtime = { ...run.runtime, isRunning: async (color) => color === "green" };
    const error = await failure(runHost(run, "x"));
    expect(error.message).toBe(INTENT_REFUSAL);
    expect(error.step).toBe("reconcile");
    expect(error.hint).toBe(
      `${HINT}, then deploy again (it first points nginx back at the recorded color); the live color green is untouched`,
    );
    expect(stepTrail(events)).toEqual(["lock:changed", "reconcile:failed"]);
    expect(logLines(events, "reconcile")).toEqual([]);
    expect(host.files.get(UPSTREAM)?.content).toContain("127.0.0.1:5001;");
    expect(host.files.has(INTENT)).toBe(true);
    expect(host.files.has(LOCK)).toBe(false);
    expect(calls).toEqual([]);
  });

  it("the plan refuses with reconcile's words (`slipway plan`; a deploy's plan under the lock it took ahead)", async () => {
    const planned = killedMidSwitch(STOPPED);
    const check = await failure(runHost({ ...hostRun(planned, await config(), [], []), check: true }, "x"));
    expect([check.message, check.step, check.hint]).toEqual([
      INTENT_REFUSAL,
      "reconcile",
      `${HINT}, then deploy again (it first points nginx back at the recorded color); the live color green is untouched`,
    ]);
    const host = killedMidSwitch(STOPPED);
    const prepared = await prepareHost(hostRun(host, await config(), [], []), "x", { plan: true, lockAhead: true });
    const error = await failure(planHost(prepared, { lockAhead: true }));
    expect(error.message).toBe(INTENT_REFUSAL);
    expect(host.files.has(INTENT)).toBe(true);
  });

  it("nginx running: reconcile points nginx back and the deploy goes on", async () => {
    const host = killedMidSwitch(["ActiveState=active", "SubState=running"]);
    const events: DeployEvent[] = [];
    const run = hostRun(host, await config(), [], events);
    run.runtime = { ...run.runtime, isRunning: async (color) => color === "green" };
    const result = await executeHost(await prepareHost(run, "x"));
    expect(result).toMatchObject({ status: "changed", color: "blue", release: "r2" });
    expect(logLines(events, "reconcile").at(-1)).toBe("nginx points at the recorded color green again");
  });
});
