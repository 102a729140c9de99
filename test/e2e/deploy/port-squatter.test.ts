/**
 * A real process already listening on the idle color's port (another user's `python3 -m http.server`, started with
 * systemd-run as `nobody`), runtime systemd (harvest on t1) and container (flask-docker on t2): the deploy is refused
 * at `start` naming the port, the process, the service key (the sandbox's targets are containers without
 * CAP_SYS_PTRACE, where even root's `ss -p` cannot name another user's process: "a process" there); the live color keeps serving; once the squatter stops the
 * same deploy succeeds. Then (systemd) a release whose frontend crashes: the gate's error shows the frontend's own
 * journal lines under its unit's name, in the output and in the failed step's event, and not the backend's.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import type { DeployEvent, ServiceLogs } from "../../../src/deploy/events.js";
import { type DeployOptions, deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, removeTestImages, viaNginx, writeOverlay } from "./support.js";

const sudo = { become: true, check: false };

/** Another user's listener on `port` (all addresses), as a transient unit; returns its stop. */
async function squat(host: RemoteHost, unit: string, port: number): Promise<() => Promise<void>> {
  const argv = ["systemd-run", `--unit=${unit}`, "--collect", "--uid=nobody", "--", "python3", "-m", "http.server"];
  await host.exec([...argv, String(port), "--bind", "0.0.0.0"], { become: true });
  for (let i = 0; i < 50; i++) {
    const ss = await host.exec(["ss", "-Hltn", "sport", "=", `:${port}`], sudo);
    if (ss.stdout.includes(`:${port}`)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return async () => {
    await host.exec(["systemctl", "stop", unit], sudo);
  };
}

function collector() {
  const lines: string[] = [];
  const events: DeployEvent[] = [];
  const print = terminalSink((line) => lines.push(line));
  return {
    lines,
    events,
    onEvent: (event: DeployEvent) => {
      events.push(event);
      print(event);
    },
  };
}

describe("a port already taken on the idle color (harvest on t1, runtime systemd)", () => {
  const APP = "hvsquat";
  const DOMAIN = "hvsquat.e2e.test";
  let host: RemoteHost;
  let config: SlipwayConfig;
  let file: string;
  const base = (): DeployOptions => ({
    config,
    commit: "0123456789abcdef0123456789abcdef01234567",
    actor: "e2e",
    releaseDir: `${REPO_ROOT}/examples/harvest`,
    drainSeconds: 0,
  });

  beforeAll(async () => {
    host = await connectTarget("t1");
    await cleanHost(host, APP);
    file = writeOverlay("harvest", {
      app: APP,
      domain: DOMAIN,
      target: "t1",
      ports: { backend: 5386, frontend: 8386 },
      healthTimeout: "10s",
    });
    config = await loadConfig(file);
  });

  afterAll(async () => {
    await host.exec(["systemctl", "stop", `${APP}-squatter`], sudo);
    await cleanHost(host, APP);
    await host.close();
  });

  it("refused at start naming the port, the process and the key; blue keeps serving; after it stops, deployed", async () => {
    const v1 = collector();
    const first = await deploy({ ...base(), releaseId: "v1", versionEnv: { APP_VERSION: "v1" }, onEvent: v1.onEvent });
    expect(first.ok, v1.lines.join("\n")).toBe(true);

    const stop = await squat(host, `${APP}-squatter`, 18386);
    const v2 = collector();
    const refused = await deploy({
      ...base(),
      releaseId: "v2",
      versionEnv: { APP_VERSION: "v2" },
      onEvent: v2.onEvent,
    });
    await stop();
    expect(refused.ok).toBe(false);
    const error = refused.hosts[0]?.error ?? "";
    expect(error).toMatch(
      /^port 18386 of services\.frontend \(green\) is already in use: (python3 \(pid \d+\)|a process) listens on 0\.0\.0\.0:18386, not hvsquat-frontend@green \(stop that process, or change services\.frontend\.port \(the green color's port is derived from it\); the live color blue is untouched\)$/,
    );
    const failed = v2.events.find((e) => e.kind === "step" && e.status === "failed");
    expect(failed).toMatchObject({ step: "start" });
    const served = await viaNginx(sandboxTarget("t1").host, DOMAIN, "/api/health");
    expect(served.status).toBe(200);
    expect(JSON.parse(served.body).version).toBe("v1");

    const v2again = collector();
    const second = await deploy({
      ...base(),
      releaseId: "v2",
      versionEnv: { APP_VERSION: "v2" },
      onEvent: v2again.onEvent,
    });
    expect(second.ok, v2again.lines.join("\n")).toBe(true);
    expect(JSON.parse((await viaNginx(sandboxTarget("t1").host, DOMAIN, "/api/health")).body).version).toBe("v2");
  });

  it("a crashing frontend: the gate shows the frontend's own journal lines under its unit, not the backend's", async () => {
    const text = parse(readFileSync(file, "utf8"));
    text.services.frontend.env = { ...text.services.frontend.env, BROKEN: "crash" };
    writeFileSync(file, stringify(text));
    const broken = await loadConfig(file);
    const v3 = collector();
    const result = await deploy({
      ...base(),
      config: broken,
      releaseId: "v3",
      versionEnv: { APP_VERSION: "v3" },
      onEvent: v3.onEvent,
    });
    expect(result.ok).toBe(false);
    // The gate ends early once systemd restarted the unit twice (gate-stop.ts; RestartSec 5 s), else at the timeout.
    expect(result.hosts[0]?.error).toMatch(
      new RegExp(
        `^frontend \\(blue\\) (did not become healthy at http://127\\.0\\.0\\.1:8386/|exits at boot: ${APP}-frontend@blue\\.service exited)`,
      ),
    );
    const gate = v3.events.find((e) => e.kind === "step" && e.step === "gate" && e.status === "failed");
    const logs = (gate?.kind === "step" ? gate.data?.logs : undefined) as ServiceLogs[] | undefined;
    expect(logs?.map((g) => `${g.service} ${g.name}`)).toEqual([`frontend ${APP}-frontend@blue.service`]);
    expect(logs?.[0]?.lines.length).toBeGreaterThan(0);
    expect(logs?.[0]?.lines.join("\n")).not.toContain(`${APP}-backend`);
    // The terminal shows the same lines under the unit's name.
    const header = v3.lines.findIndex((l) => l.includes(`services.frontend: ${APP}-frontend@blue.service, last`));
    expect(header, v3.lines.join("\n")).toBeGreaterThan(-1);
    expect(v3.lines[header + 1]).toBe(`    ${logs?.[0]?.lines[0]}`);
    expect(v3.lines.some((l) => l.includes(`services.backend: ${APP}-backend@`))).toBe(false);
    expect(JSON.parse((await viaNginx(sandboxTarget("t1").host, DOMAIN, "/api/health")).body).version).toBe("v2");
  });
});

describe("a port already taken on the idle color (flask-docker on t2, runtime container)", () => {
  const APP = "ctsquat";
  const DOMAIN = "ctsquat.e2e.test";
  const RUN = randomBytes(4).toString("hex");
  let host: RemoteHost;
  let config: SlipwayConfig;
  let images: Record<string, string> = {};
  const base = (): DeployOptions => ({
    config,
    commit: randomBytes(20).toString("hex"),
    actor: "e2e",
    drainSeconds: 0,
    secrets: { SECRET_KEY: "e2e-secret" },
    insecureRegistry: true,
    releaseDir: `${REPO_ROOT}/examples/flask-docker`,
    ...(Object.keys(images).length > 0 ? { images } : {}),
  });

  beforeAll(async () => {
    host = await connectTarget("t2");
    await cleanHost(host, APP);
    const file = writeOverlay("flask-docker", {
      app: APP,
      domain: DOMAIN,
      target: "t2",
      ports: {},
      healthTimeout: "20s",
    });
    const yaml = parse(readFileSync(file, "utf8"));
    yaml.image.repository = `e2e-${APP}-${RUN}/flask`;
    yaml.services.backend.ports = { blue: 5396, green: 15396 };
    yaml.services.backend.volumes = [`${APP}-instance:/app/instance`];
    yaml.database = { engine: "sqlite", volume: `${APP}-instance`, path: "notes.db" };
    yaml.tls = { enabled: false };
    writeFileSync(file, stringify(yaml));
    config = await loadConfig(file);
  });

  afterAll(async () => {
    await host.exec(["systemctl", "stop", `${APP}-squatter`], sudo);
    await cleanHost(host, APP);
    await host.exec(["docker", "volume", "rm", "--force", `${APP}-instance`], sudo);
    await removeTestImages(host, Object.values(images), [`e2e-${APP}-${RUN}/flask-backend`]);
    await host.close();
  });

  it("refused before docker run (not exit code 125); blue keeps serving; after it stops, deployed", async () => {
    const v1 = collector();
    const first = await deploy({ ...base(), releaseId: "v1", versionEnv: { APP_VERSION: "v1" }, onEvent: v1.onEvent });
    expect(first.ok, v1.lines.join("\n")).toBe(true);
    images = first.images;

    const stop = await squat(host, `${APP}-squatter`, 15396);
    const v2 = collector();
    const refused = await deploy({
      ...base(),
      releaseId: "v2",
      versionEnv: { APP_VERSION: "v2" },
      onEvent: v2.onEvent,
    });
    await stop();
    expect(refused.ok).toBe(false);
    expect(refused.hosts[0]?.error ?? "").toMatch(
      /^port 15396 of services\.backend \(green\) is already in use: (python3 \(pid \d+\)|a process) listens on 0\.0\.0\.0:15396, not the container ctsquat-backend-green \(stop that process, or change services\.backend\.port \(the green color's port is derived from it\); the live color blue is untouched\)$/,
    );
    const health = await viaNginx(sandboxTarget("t2").host, DOMAIN, "/api/health");
    expect(health.status, health.body).toBe(200);
    expect(health.body).toContain("v1");

    const v2again = collector();
    const second = await deploy({
      ...base(),
      releaseId: "v2",
      versionEnv: { APP_VERSION: "v2" },
      onEvent: v2again.onEvent,
    });
    expect(second.ok, v2again.lines.join("\n")).toBe(true);
    expect((await viaNginx(sandboxTarget("t2").host, DOMAIN, "/api/health")).body).toContain("v2");
  });
});
