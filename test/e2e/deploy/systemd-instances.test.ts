/**
 * Seed 000's load-balanced backend ("Run multiple backend instances: HARVEST_PORT=5001/5002/5003 python3
 * harvest_be.py") under runtime systemd: `proxy.load_balance.backend.instances: 3` runs three instances of the
 * backend's template unit (`@blue`, `@blue-2`, `@blue-3`) on consecutive ports, each gated before the switch. With one
 * of them stopped, every answer through nginx is still 200 (nginx passes a refused request to the next server).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { answersThroughNginx, cleanHost, connectTarget, viaNginx, writeOverlay } from "./support.js";

const APP = "sdlb";
const DOMAIN = "sdlb.e2e.test";
const address = () => sandboxTarget("t1").host;

async function writeConfig(): Promise<SlipwayConfig> {
  const file = writeOverlay("harvest", {
    app: APP,
    domain: DOMAIN,
    target: "t1",
    ports: { backend: 5611, frontend: 8611 },
    healthTimeout: "30s",
  });
  const config = parse(readFileSync(file, "utf8"));
  config.proxy.load_balance = { backend: { instances: 3 } };
  config.tls = { enabled: false };
  writeFileSync(file, stringify(config));
  return loadConfig(file);
}

describe("deploy, runtime systemd with 3 load-balanced backend instances (t1)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  const lines: string[] = [];
  const sudo = { become: true };

  beforeAll(async () => {
    host = await connectTarget("t1");
    await cleanHost(host, APP);
    config = await writeConfig();
  });

  afterAll(async () => {
    if (!host) return;
    await cleanHost(host, APP);
    await host.close();
  });

  it("runs three blue instances on 5611-5613, each gated; with one stopped, 30 of 30 answers are 200", async () => {
    const result = await deploy({
      config,
      actor: "e2e",
      drainSeconds: 0,
      releaseDir: `${REPO_ROOT}/examples/harvest`,
      versionEnv: { APP_VERSION: "v1" },
      onEvent: terminalSink((line) => lines.push(line)),
    });
    if (!result.ok) console.log(lines.join("\n"));
    expect(result.ok).toBe(true);
    expect(lines.filter((l) => /backend on blue is healthy/.test(l))).toHaveLength(3);
    for (const [unit, port] of [
      [`${APP}-backend@blue.service`, 5611],
      [`${APP}-backend@blue-2.service`, 5612],
      [`${APP}-backend@blue-3.service`, 5613],
    ] as const) {
      expect((await host.exec(["systemctl", "is-active", unit], { check: false })).stdout.trim()).toBe("active");
      const health = await host.exec(["curl", "-sS", `http://127.0.0.1:${port}/api/health`]);
      expect(JSON.parse(health.stdout)).toMatchObject({ status: "ok", version: "v1" });
    }

    await host.exec(["systemctl", "stop", `${APP}-backend@blue-2.service`], sudo);
    const { failed, seen } = await answersThroughNginx(address(), DOMAIN, "/api/health", 30, "version");
    expect(failed).toEqual([]);
    expect([...seen]).toEqual(["v1"]);
  });

  it("the next deploy starts three green instances on 15611-15613 and stops every blue one", async () => {
    const result = await deploy({
      config,
      actor: "e2e",
      drainSeconds: 0,
      releaseDir: `${REPO_ROOT}/examples/harvest`,
      versionEnv: { APP_VERSION: "v2" },
    });
    expect(result.ok, result.recap).toBe(true);
    for (const port of [15611, 15612, 15613]) {
      const health = await host.exec(["curl", "-sS", `http://127.0.0.1:${port}/api/health`]);
      expect(JSON.parse(health.stdout)).toMatchObject({ status: "ok", version: "v2" });
    }
    const blue = ["", "-2", "-3"].map((n) => `${APP}-backend@blue${n}.service`);
    const active = await host.exec(["systemctl", "is-active", ...blue], { check: false });
    expect(active.stdout.trim().split("\n")).toEqual(["inactive", "inactive", "inactive"]);
    const answer = await viaNginx(address(), DOMAIN, "/api/health");
    expect([answer.status, JSON.parse(answer.body).version]).toEqual([200, "v2"]);
  });
});
