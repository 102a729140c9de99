/**
 * D67 / seed 004 ("process pool applications", several processes from one codebase): a web service and a worker that
 * serves no HTTP (no `port`) from the same image (`image_from`), runtime compose, blue-green on sandbox target t1.
 * The worker starts with its color, is gated on staying running for `health.stable`, stops with the old color after
 * the switch; a worker that crashes 2 s after its start fails the deploy while the live color keeps serving; a
 * rollback brings the previous color's web and worker back.
 */

import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, deploy, rollback } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, removeComposeProjects, removeTestImages, viaNginx } from "./support.js";

const APP = "wrkdeploy";
const DOMAIN = "wrkdeploy.e2e.test";
const RUN = randomBytes(4).toString("hex");
const address = () => sandboxTarget("t1").host;

function writeConfig(): string {
  const sandbox = loadSandbox();
  const target = sandboxTarget("t1", sandbox);
  const config = {
    app: APP,
    runtime: "compose",
    image: { registry: sandbox.registry, repository: `e2e-${APP}-${RUN}/wrk` },
    services: {
      web: {
        build: { context: "app" },
        port: 8000,
        ports: { blue: 5451, green: 15451 },
        health: { path: "/", timeout: "30s" },
      },
      // The tester's worker without the fake HTTP server: no port, gated on staying up for 3 s.
      worker: {
        image_from: "web",
        command: ["python3", "/app/worker.py"],
        health: { stable: "3s", timeout: "30s" },
      },
    },
    inventory: {
      ssh: { user: target.user, known_hosts_file: sandbox.knownHostsPath, identity_file: sandbox.privateKeyPath },
      hosts: { t1: { address: target.host } },
    },
    proxy: { domains: [DOMAIN], routes: [{ path: "/", service: "web" }] },
    tls: { enabled: false },
  };
  const path = join(mkdtempSync(join(tmpdir(), "slipway-worker-e2e-")), "slipway.yml");
  writeFileSync(path, stringify(config));
  return path;
}

describe("deploy, a worker without port beside a web service (compose, t1)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  let images: Record<string, string> = {};
  const lines: string[] = [];
  const base = (): DeployOptions => ({
    config,
    commit: randomBytes(20).toString("hex"),
    actor: "e2e",
    drainSeconds: 1,
    insecureRegistry: true,
    releaseDir: `${REPO_ROOT}/test/fixtures/apps/worker`,
    onEvent: terminalSink((line) => lines.push(line)),
  });
  const served = async () => JSON.parse((await viaNginx(address(), DOMAIN, "/")).body);
  /** `<service> <state>` of each container of a color's project. */
  const containers = async (color: string) =>
    (
      await host.exec(
        [
          "sh",
          "-c",
          `docker ps -a --filter label=com.docker.compose.project=${APP}-${color} --format '{{.Label "com.docker.compose.service"}} {{.State}}' | sort`,
        ],
        { become: true },
      )
    ).stdout
      .split("\n")
      .filter(Boolean);
  const workerLog = async (color: string) =>
    (await host.exec(["docker", "logs", `${APP}-${color}-worker-1`], { become: true, check: false })).stdout +
    (await host.exec(["docker", "logs", `${APP}-${color}_worker_1`], { become: true, check: false })).stdout;

  beforeAll(async () => {
    host = await connectTarget("t1");
    await removeComposeProjects(host, APP, `${APP}-none`);
    await cleanHost(host, APP);
    config = await loadConfig(writeConfig());
  });

  afterAll(async () => {
    if (!host) return;
    await removeComposeProjects(host, APP, `${APP}-none`);
    await cleanHost(host, APP);
    await removeTestImages(host, Object.values(images), [`e2e-${APP}-${RUN}/wrk-web`]);
    await host.close();
  });

  it("first deploy: web and worker run in blue; the worker is gated on running, not on HTTP", async () => {
    const result = await deploy({ ...base(), versionEnv: { APP_VERSION: "v1" } });
    if (!result.ok) console.log(lines.join("\n"));
    expect(result.ok).toBe(true);
    images = result.images;
    expect(Object.keys(images)).toEqual(["web"]);
    expect(result.hosts[0]?.color).toBe("blue");
    expect(await served()).toEqual({ version: "v1", color: "blue" });
    expect(await containers("blue")).toEqual(["web running", "worker running"]);
    // health.stable is 3s: the gate saw it running at least that long (4s seen under CI's load).
    const runningFor = /worker on blue is running \(\S+ running for (\d+(?:\.\d)?)s\)/.exec(lines.join("\n"));
    expect(Number(runningFor?.[1])).toBeGreaterThanOrEqual(3);
    // No PORT and no published port for the worker.
    expect(await workerLog("blue")).toContain("worker v1 on blue started, PORT=\n");
  });

  it("second deploy: green's worker starts and passes, blue's worker stops with blue after the switch", async () => {
    lines.length = 0;
    const result = await deploy({ ...base(), images, versionEnv: { APP_VERSION: "v2" } });
    if (!result.ok) console.log(lines.join("\n"));
    expect(result.ok).toBe(true);
    expect(result.hosts[0]?.color).toBe("green");
    expect(await served()).toEqual({ version: "v2", color: "green" });
    expect(await containers("green")).toEqual(["web running", "worker running"]);
    expect((await containers("blue")).every((c) => c.endsWith(" exited"))).toBe(true);
  });

  it("a worker that crashes 2 s after its start fails the deploy at the gate; green keeps serving v2", async () => {
    lines.length = 0;
    const started = Date.now();
    const result = await deploy({ ...base(), images, versionEnv: { APP_VERSION: "v3", WORKER_CRASH: "2" } });
    const output = lines.join("\n");
    expect(result.ok).toBe(false);
    expect(output).toMatch(
      /worker \(blue\) did not stay running for 3s: \S+ exited \((code 1|restarted 1 time; now running)/,
    );
    expect(output).toContain("worker v3: queue unreachable, exiting");
    // Seen at the crash, not at the 30 s timeout.
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await served()).toEqual({ version: "v2", color: "green" });
    expect(await containers("green")).toEqual(["web running", "worker running"]);
  });

  it("rollback: blue's web and worker come back (v1), green's stop", async () => {
    lines.length = 0;
    const result = await rollback({
      config,
      actor: "e2e",
      drainSeconds: 0,
      onEvent: terminalSink((l) => lines.push(l)),
    });
    if (!result.ok) console.log(lines.join("\n"));
    expect(result.ok).toBe(true);
    expect(await served()).toEqual({ version: "v1", color: "blue" });
    expect(await containers("blue")).toEqual(["web running", "worker running"]);
    expect((await containers("green")).every((c) => c.endsWith(" exited"))).toBe(true);
  });
});
