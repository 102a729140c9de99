/**
 * D83: nginx stopped on the host. `status` reads systemd's state of nginx with its script (a problem: exit 2), and a
 * deploy's preflight refuses before anything changed (a stop-first deploy stops nothing).
 */
import { describe, expect, it } from "vitest";
import type { DeployEvent } from "../../../src/deploy/events.js";
import { runHost } from "../../../src/deploy/host-flow.js";
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
import { config, failure, hostRun, hostWithLiveGreen, stepTrail } from "./flow-support.js";

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
