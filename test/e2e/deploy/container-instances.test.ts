/**
 * Seed 000's load-balanced backend ("several instances in one upstream") under runtime container, as a tester wrote
 * it: `proxy.load_balance.backend.instances: 3`. nginx lists three ports; before, one container ran and two of every
 * three answers were 502. Now every instance is its own container on its port, gated before the switch, and every
 * answer through nginx is 200, from all three.
 */

import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { answersThroughNginx, cleanHost, connectTarget, removeTestImages, writeOverlay } from "./support.js";

const APP = "ctlb";
const DOMAIN = "ctlb.e2e.test";
const RUN = randomBytes(4).toString("hex");
const address = () => sandboxTarget("t2").host;

function writeConfig(): string {
  const file = writeOverlay("flask-docker", {
    app: APP,
    domain: DOMAIN,
    target: "t2",
    ports: {},
    healthTimeout: "30s",
  });
  const config = parse(readFileSync(file, "utf8"));
  config.image.repository = `e2e-${APP}-${RUN}/flask`;
  config.services.backend.ports = { blue: 5441, green: 15441 };
  config.services.backend.volumes = [`${APP}-instance:/app/instance`];
  config.database = { engine: "sqlite", volume: `${APP}-instance`, path: "notes.db" };
  config.proxy.load_balance = { backend: { instances: 3 } };
  config.tls = { enabled: false };
  writeFileSync(file, stringify(config));
  return file;
}

describe("deploy, runtime container with 3 load-balanced instances (t2)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  const references: string[] = [];
  const lines: string[] = [];

  beforeAll(async () => {
    host = await connectTarget("t2");
    await cleanHost(host, APP);
    config = await loadConfig(writeConfig());
  });

  afterAll(async () => {
    if (!host) return;
    await cleanHost(host, APP);
    await host.exec(["docker", "volume", "rm", "--force", `${APP}-instance`], { become: true, check: false });
    await removeTestImages(host, references);
    await host.close();
  });

  it("runs three blue containers on 5441-5443 and every answer through nginx is 200, from all three", async () => {
    const result = await deploy({
      config,
      commit: randomBytes(20).toString("hex"),
      actor: "e2e",
      drainSeconds: 1,
      secrets: { SECRET_KEY: "e2e-secret" },
      insecureRegistry: true,
      releaseDir: `${REPO_ROOT}/examples/flask-docker`,
      versionEnv: { APP_VERSION: "v1" },
      onEvent: terminalSink((line) => lines.push(line)),
    });
    if (!result.ok) console.log(lines.join("\n"));
    expect(result.ok).toBe(true);
    references.push(...Object.values(result.images));
    for (const [name, port] of [
      [`${APP}-backend-blue`, 5441],
      [`${APP}-backend-blue-2`, 5442],
      [`${APP}-backend-blue-3`, 5443],
    ] as const) {
      const published = await host.exec(["docker", "port", name], { become: true });
      expect(published.stdout.trim()).toBe(`8887/tcp -> 127.0.0.1:${port}`);
    }
    expect(lines.filter((l) => /^.*backend on blue is healthy/.test(l))).toHaveLength(3);
    const { failed, seen } = await answersThroughNginx(address(), DOMAIN, "/api/info", 30);
    expect(failed).toEqual([]);
    expect(seen.size).toBe(3);
  });
});
