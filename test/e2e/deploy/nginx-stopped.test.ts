/**
 * D83: nginx stopped on the host (harvest, runtime systemd, stop-first, t8). `status` says so (a problem: exit 2)
 * though every service answers on its port; `slipway plan` fails the host (exit 2) and a deploy is refused at its
 * plan, both with preflight's message and a hint saying the live color is untouched, before anything changed (the
 * live color keeps running, nothing recorded); with a killed run's switch intent on the host the refusal is
 * reconcile's, the intent left in place; once nginx is started again the same deploy goes through (reconciling it).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployEvent, deploy } from "../../../src/deploy/index.js";
import { readStatus } from "../../../src/deploy/status-read.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { slipway } from "../ops/cli.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, viaNginx, writeOverlay } from "./support.js";

const TARGET = "t8";
const APP = "hvngxstop";
const DOMAIN = "hvngxstop.e2e.test";
const address = () => sandboxTarget(TARGET).host;

function stopFirstConfig(): Promise<SlipwayConfig> {
  const file = writeOverlay("harvest", {
    app: APP,
    domain: DOMAIN,
    target: TARGET,
    ports: { backend: 5381, frontend: 8381 },
    healthTimeout: "20s",
  });
  writeFileSync(file, stringify({ ...parse(readFileSync(file, "utf8")), strategy: "stop-first" }));
  return loadConfig(file);
}

/**
 * A deploy of `version`: its terminal lines in `lines`, its step events (the run's, never the plan's) in `steps`.
 * `planFirst`: as `slipway deploy --yes` runs it (the plan, then the run); without, as the Action runs it (no plan).
 */
async function deployVersion(
  config: SlipwayConfig,
  version: string,
  lines: string[],
  steps: DeployEvent[] = [],
  planFirst = false,
) {
  const terminal = terminalSink((line) => lines.push(line));
  return deploy({
    ...(planFirst ? { confirm: async () => true } : {}),
    config,
    commit: "0123456789abcdef0123456789abcdef01234567",
    actor: "e2e",
    releaseDir: `${REPO_ROOT}/examples/harvest`,
    drainSeconds: 1,
    versionEnv: { APP_VERSION: version },
    onEvent: (event) => {
      if (event.kind === "step") steps.push(event);
      terminal(event);
    },
  });
}

describe("nginx stopped on the host (D83, t8)", () => {
  let host: RemoteHost;
  const nginx = (verb: string) => host.exec(["systemctl", verb, "nginx"], { become: true, check: false });

  beforeAll(async () => {
    host = await connectTarget(TARGET);
    await nginx("start");
    await cleanHost(host, APP);
  });

  afterAll(async () => {
    await nginx("start");
    await cleanHost(host, APP);
    await host.close();
  });

  it("status says so, the plan refuses with nothing changed (reconcile with an intent), a deploy after the start goes through", async () => {
    const config = await stopFirstConfig();
    const first: string[] = [];
    const deployed = await deployVersion(config, "v1", first);
    if (!deployed.ok) console.log(first.join("\n"));
    expect(deployed.ok).toBe(true);
    const color = (await host.exec(["cat", `/opt/${APP}/color`])).stdout.trim();

    await nginx("stop");
    const [status] = await readStatus(config);
    expect(status?.nginxDown).toBe("inactive (dead)");
    expect(status?.problems[0]).toBe(
      "nginx is not running (systemctl: inactive (dead)): the site refuses every connection; start it (`sudo systemctl start nginx`; `systemctl status nginx` says why it stopped)",
    );

    const name = sandboxTarget(TARGET).name;
    const refusal = `nginx is not running on ${name} (systemctl: inactive (dead)): nothing was changed`;
    const untouched = `then deploy again; the live color ${color} is untouched`;
    const plan = await slipway("plan", "-c", config.source.file, "--release-dir", `${REPO_ROOT}/examples/harvest`);
    expect(plan.code).toBe(2);
    expect(plan.stdout + plan.stderr).toContain(refusal);
    expect(plan.stdout + plan.stderr).toContain(untouched);

    // The live release again: not "already live" (and ok) while nginx is stopped, since users get nothing.
    const same: string[] = [];
    const redeploy = await deployVersion(config, "v1", same);
    expect(redeploy.ok).toBe(false);
    expect(same.join("\n")).toContain(refusal);

    const refused: string[] = [];
    const steps: DeployEvent[] = [];
    const second = await deployVersion(config, "v2", refused, steps, true);
    const output = refused.join("\n");
    expect(second.ok).toBe(false);
    expect(output).toContain(refusal);
    expect(output).toContain("sudo systemctl start nginx");
    expect(output).toContain(untouched);
    expect(output).not.toContain("fix the release");
    // Refused at the plan: no step ran.
    expect(steps).toEqual([]);
    // Nothing changed: the live color still runs and is still the recorded one.
    expect((await host.exec(["cat", `/opt/${APP}/color`])).stdout.trim()).toBe(color);
    const live = await host.exec(["systemctl", "is-active", `${APP}-backend@${color}`], { check: false });
    expect(live.stdout.trim()).toBe("active");

    // A run killed during its switch left its intent: pointing nginx back would fail half-way, so reconcile refuses.
    const idle = color === "blue" ? "green" : "blue";
    const intent = {
      to: idle,
      from: color,
      release: "killed-release",
      run_id: "killed-1",
      since: "2026-12-01T00:00:00Z",
    };
    await host.putFile(`/opt/${APP}/intent.json`, `${JSON.stringify(intent)}\n`, { mode: 0o644 });
    const killed: string[] = [];
    const third = await deployVersion(config, "v2", killed, steps);
    expect(third.ok).toBe(false);
    expect(killed.join("\n")).toContain(
      `nginx is not running on ${name} (systemctl: inactive (dead)); an earlier run (killed-1) did not finish its switch to ${idle}, and nginx cannot be pointed back at the recorded color while it is stopped: nothing was changed`,
    );
    expect(killed.join("\n")).toContain(
      `then deploy again (it first points nginx back at the recorded color); the live color ${color} is untouched`,
    );
    // Without a plan first (the Action's way) the run's reconcile refuses before it moves anything.
    const ended = steps.filter((e) => e.kind === "step" && e.status !== "started");
    expect(ended.map((e) => (e.kind === "step" ? `${e.step}:${e.status}` : ""))).toEqual([
      "lock:changed",
      "reconcile:failed",
    ]);
    expect(await host.readFile(`/opt/${APP}/intent.json`)).toBeDefined();

    await nginx("start");
    const [fine] = await readStatus(config);
    expect(fine?.problems).toEqual([]);
    const again: string[] = [];
    const fourth = await deployVersion(config, "v2", again);
    if (!fourth.ok) console.log(again.join("\n"));
    expect(fourth.ok).toBe(true);
    expect(again.join("\n")).toContain("an earlier run (killed-1) was switching to");
    expect(await host.readFile(`/opt/${APP}/intent.json`)).toBeUndefined();
    const health = await viaNginx(address(), DOMAIN, "/api/health");
    expect(health.status).toBe(200);
  });
});
