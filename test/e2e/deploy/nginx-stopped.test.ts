/**
 * D83: nginx stopped on the host (harvest, runtime systemd, stop-first, t8). `status` says so (a problem: exit 2)
 * though every service answers on its port; a deploy is refused at preflight before anything changed (the live color
 * keeps running, nothing recorded); once nginx is started again the same deploy goes through.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { deploy } from "../../../src/deploy/index.js";
import { readStatus } from "../../../src/deploy/status-read.js";
import type { RemoteHost } from "../../../src/remote/types.js";
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

async function deployVersion(config: SlipwayConfig, version: string, lines: string[]) {
  return deploy({
    config,
    commit: "0123456789abcdef0123456789abcdef01234567",
    actor: "e2e",
    releaseDir: `${REPO_ROOT}/examples/harvest`,
    drainSeconds: 1,
    versionEnv: { APP_VERSION: version },
    onEvent: terminalSink((line) => lines.push(line)),
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

  it("status says so, preflight refuses with nothing changed, a deploy after the start goes through", async () => {
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

    const refused: string[] = [];
    const second = await deployVersion(config, "v2", refused);
    const output = refused.join("\n");
    expect(second.ok).toBe(false);
    expect(output).toContain(`nginx is not running on ${sandboxTarget(TARGET).name}`);
    expect(output).toContain("sudo systemctl start nginx");
    expect(output).not.toContain("fix the release");
    // Nothing changed: the live color still runs and is still the recorded one.
    expect((await host.exec(["cat", `/opt/${APP}/color`])).stdout.trim()).toBe(color);
    const live = await host.exec(["systemctl", "is-active", `${APP}-backend@${color}`], { check: false });
    expect(live.stdout.trim()).toBe("active");

    await nginx("start");
    const [fine] = await readStatus(config);
    expect(fine?.problems).toEqual([]);
    const again: string[] = [];
    const third = await deployVersion(config, "v2", again);
    if (!third.ok) console.log(again.join("\n"));
    expect(third.ok).toBe(true);
    const health = await viaNginx(address(), DOMAIN, "/api/health");
    expect(health.status).toBe(200);
  });
});
