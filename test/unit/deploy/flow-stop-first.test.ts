/**
 * Stop-first's undo of stop-old on one host: the old color (green, port 15001) is started again and its health is
 * awaited with the gate's wait before the undo (and the run) ends, so nginx never sends users to a color still
 * booting once the failed run is over. The trail interleaves the step events with the commands that start green and
 * poll its health, in the order they happened.
 */
import { describe, expect, it } from "vitest";
import type { DeployEvent } from "../../../src/deploy/events.js";
import { runHost } from "../../../src/deploy/host-flow.js";
import { config, failure, hostRun, hostWithLiveGreen, logLines } from "./flow-support.js";

const GREEN_HEALTH = "http://127.0.0.1:15001/health";
const BLUE_HEALTH = "http://127.0.0.1:5001/health";

/**
 * A stop-first deploy of r2 to blue with green live: `blue`/`green` are the statuses their health checks answer,
 * `route` the routes' through nginx. The trail holds step end events and green's start and health polls.
 */
async function stopFirstRun(o: { blue: number; green: number; route?: number }) {
  const host = hostWithLiveGreen(o.route === undefined ? {} : { route: o.route });
  const trail: string[] = [];
  const nginx = host.handlers.get("curl");
  host.handlers.set("curl", (argv, options) => {
    const url = argv.at(-1) ?? "";
    if (argv.includes("--dump-header")) return nginx?.(argv, options);
    if (url === GREEN_HEALTH) trail.push("poll green");
    const status = url === BLUE_HEALTH ? o.blue : o.green;
    return { stdout: `ok\n__SLIPWAY_STATUS__:${status}` };
  });
  host.handlers.set("sudo", (argv) => {
    if (argv.includes("systemctl")) trail.push(argv.slice(argv.indexOf("systemctl")).join(" "));
    return undefined;
  });
  const events: DeployEvent[] = [];
  const calls: string[] = [];
  const run = hostRun(host, await config("strategy: stop-first\n"), calls, events);
  run.sink = (e) => {
    events.push(e);
    if (e.kind === "step" && e.status !== "started") trail.push(`${e.step}:${e.status}`);
  };
  const error = await failure(runHost(run, "10.0.0.1"));
  // Consecutive polls of green as one entry: how many fit depends on the timers.
  const squashed = trail.filter((t, i) => !(t === "poll green" && trail[i - 1] === "poll green"));
  return { error, trail: squashed, events, calls };
}

/** After a failed gate: the gate's undo puts the site files back (D84), then green starts and is polled healthy. */
const GATE_FAILED_TRAIL = [
  "gate:failed",
  "gate:undone",
  "start:undone",
  "systemctl start shop-web@green",
  "poll green",
  "stop-old:undone",
];

describe("stop-first: stop-old's undo waits for the old color's health before the run ends", () => {
  it("the new color never healthy: green started again, then polled until healthy, then undone; nothing after", async () => {
    const { error, trail, events, calls } = await stopFirstRun({ blue: 500, green: 200 });
    expect(error.message).toBe("web (blue) did not become healthy at http://127.0.0.1:5001/health: HTTP 500 ok");
    expect(trail.slice(trail.indexOf("gate:failed"))).toEqual(GATE_FAILED_TRAIL);
    expect(calls).toEqual(["stage blue", "stop green", "start blue", "stop blue"]);
    expect(logLines(events, "stop-old").slice(-2)).toEqual([
      "started green again; waiting for its health checks",
      "green is healthy again",
    ]);
    expect(error.hint).toBe(
      "fix the release and deploy again; green was started again and serves the previous release",
    );
  });

  it("a failure after the switch: switched back, blue stopped, green started and healthy before the run ends", async () => {
    const { error, trail } = await stopFirstRun({ blue: 200, green: 200, route: 301 });
    expect(error.message).toBe(
      "verification through nginx failed after the switch: GET http://shop.example/: expected status 200, got 301: hello",
    );
    expect(trail.slice(trail.indexOf("verify:failed"))).toEqual([
      "verify:failed",
      "switch:undone",
      "start:undone",
      "systemctl start shop-web@green",
      "poll green",
      "stop-old:undone",
    ]);
    expect(error.hint).toContain(
      "switched back to green, which serves the previous release; green was started again and serves the previous release",
    );
  });

  it("the old color unhealthy too: waited up to its health.timeout, said, and named in the failure's hint", async () => {
    const { error, trail, events } = await stopFirstRun({ blue: 500, green: 503 });
    expect(trail.slice(trail.indexOf("gate:failed"))).toEqual(GATE_FAILED_TRAIL);
    expect(logLines(events, "stop-old").slice(-2)).toEqual([
      "started green again; waiting for its health checks",
      "green was started again but is not healthy: web (HTTP 503 ok)",
    ]);
    // health.timeout is 1 s: the undo ended when the wait gave up, not at the first unhealthy answer.
    const undone = events.find((e) => e.kind === "step" && e.step === "stop-old" && e.status === "undone");
    expect(undone && "ms" in undone ? undone.ms : 0).toBeGreaterThanOrEqual(900);
    expect(error.hint).toBe(
      "fix the release and deploy again; green was started again but does not pass its health checks: web (HTTP 503 ok); see `slipway status` and its logs",
    );
  });
});
