/**
 * Blue-green deploy of the flask-docker example (runtime container) on sandbox target t2: images built and pushed by
 * the deploy itself, pulled by digest on the host; a zero-downtime v2; a broken image that is never switched to; the
 * SQLite database in the shared named volume survives every deploy.
 */

import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { buildImages } from "../../../src/build/build_images.js";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, deploy, rollback } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, removeTestImages, requestLoop, viaNginx, writeOverlay } from "./support.js";

const APP = "ctdeploy";
const DOMAIN = "ctdeploy.e2e.test";
const VOLUME = `${APP}-instance`;
const RUN = randomBytes(4).toString("hex");
const COMMIT = randomBytes(20).toString("hex");
const address = () => sandboxTarget("t2").host;

/** flask-docker's slipway.yml for t2: own name, ports, volume and repository; plain http (no certificate here). */
function writeConfig(): string {
  const file = writeOverlay("flask-docker", {
    app: APP,
    domain: DOMAIN,
    target: "t2",
    ports: {},
    healthTimeout: "20s",
  });
  const config = parse(readFileSync(file, "utf8"));
  config.image.repository = `e2e-${APP}-${RUN}/flask`;
  config.services.backend.ports = { blue: 5411, green: 15411 };
  config.services.backend.volumes = [`${VOLUME}:/app/instance`];
  config.database = { engine: "sqlite", volume: VOLUME, path: "notes.db" };
  config.tls = { enabled: false };
  writeFileSync(file, stringify(config));
  return file;
}

describe("deploy, runtime container (flask-docker on t2)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  const references: string[] = [];
  let v1Images: Record<string, string> = {};
  let v1Release = "";
  const lines: string[] = [];
  const base = (): DeployOptions => ({
    config,
    commit: COMMIT,
    actor: "e2e",
    drainSeconds: 1,
    secrets: { SECRET_KEY: "e2e-secret" },
    insecureRegistry: true,
    releaseDir: `${REPO_ROOT}/examples/flask-docker`,
    onEvent: terminalSink((line) => lines.push(line)),
  });
  const version = async () => JSON.parse((await viaNginx(address(), DOMAIN, "/api/health")).body).version;
  const noteTitles = async () =>
    JSON.parse((await viaNginx(address(), DOMAIN, "/api/notes")).body).notes.map((n: { title: string }) => n.title);

  beforeAll(async () => {
    host = await connectTarget("t2");
    await cleanHost(host, APP);
    config = await loadConfig(writeConfig());
  });

  afterAll(async () => {
    if (!host) return;
    await cleanHost(host, APP);
    await host.exec(["docker", "volume", "rm", "--force", VOLUME], { become: true, check: false });
    await removeTestImages(host, references, [`e2e-${APP}-${RUN}/flask-backend`]);
    await host.close();
  });

  it("first deploy builds, pushes and pulls the image by digest and serves v1 from the blue container", async () => {
    const result = await deploy({ ...base(), versionEnv: { APP_VERSION: "v1" } });
    if (!result.ok) console.log(lines.join("\n"));
    expect(result.ok).toBe(true);
    expect(result.images.backend).toMatch(
      /^10\.213\.0\.1:5000\/e2e-ctdeploy-[0-9a-f]+\/flask-backend@sha256:[0-9a-f]{64}$/,
    );
    references.push(result.images.backend as string);
    v1Images = result.images;
    v1Release = result.release;
    expect(result.hosts).toEqual([expect.objectContaining({ name: "t2", status: "changed", color: "blue" })]);
    expect(await version()).toBe("v1");
    const labels = JSON.parse(
      (
        await host.exec(["docker", "inspect", "--format", "{{json .Config.Labels}}", `${APP}-backend-blue`], {
          become: true,
        })
      ).stdout,
    );
    expect(labels).toMatchObject({ "slipway.app": APP, "slipway.color": "blue", "slipway.release": result.release });
    // D68: docker's json-file log, bounded by services.*.logs (default 10m x 5).
    const log = await host.exec(
      ["docker", "inspect", "--format", "{{json .HostConfig.LogConfig}}", `${APP}-backend-blue`],
      {
        become: true,
      },
    );
    expect(JSON.parse(log.stdout)).toEqual({ Type: "json-file", Config: { "max-size": "10m", "max-file": "5" } });
    const ports = (await host.exec(["docker", "port", `${APP}-backend-blue`], { become: true })).stdout.trim();
    expect(ports).toBe("8887/tcp -> 127.0.0.1:5411");
    const mode = await host.exec(["stat", "-c", "%a %U", `/opt/${APP}/env/backend-blue.env`], { become: true });
    expect(mode.stdout.trim()).toBe("600 root");
    // Hardened: no capability left in the app's process, and setuid binaries gain it nothing.
    const status = await host.exec(
      ["docker", "exec", `${APP}-backend-blue`, "grep", "-E", "^(CapEff|NoNewPrivs)", "/proc/1/status"],
      {
        become: true,
      },
    );
    expect(status.stdout.replace(/\s+/g, " ").trim()).toBe("CapEff: 0000000000000000 NoNewPrivs: 1");
    const added = await viaNginx(address(), DOMAIN, "/api/notes", "POST", JSON.stringify({ title: "before-v2" }));
    expect(added.status).toBe(201);
  });

  it("deploys v2 under load with zero failed requests; the note in the volume survives", async () => {
    const loop = requestLoop(address(), DOMAIN, "/api/health", 20);
    const result = await deploy({ ...base(), images: v1Images, versionEnv: { APP_VERSION: "v2" } });
    const answers = await loop.stop();
    if (!result.ok) console.log(lines.join("\n"));
    expect(result.ok).toBe(true);
    expect(result.hosts[0]?.color).toBe("green");
    expect(answers.length).toBeGreaterThan(20);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const versions = answers.map((a) => JSON.parse(a.body).version);
    expect(versions[0]).toBe("v1");
    expect(versions.at(-1)).toBe("v2");
    expect(await noteTitles()).toContain("before-v2");
    // The old color is stopped, not running beside the new one.
    const running = await host.exec(["docker", "inspect", "--format", "{{.State.Running}}", `${APP}-backend-blue`], {
      become: true,
    });
    expect(running.stdout.trim()).toBe("false");
    const history = JSON.parse((await host.readFile(`/opt/${APP}/releases.json`))?.toString() ?? "{}");
    expect(history.releases.at(-1)).toMatchObject({ result: "deployed", images: v1Images, color: "green" });
    expect(history.releases.at(-1).backup).toMatch(/\S/);
  });

  it("a second deploy of the same release changes nothing", async () => {
    const started = async () =>
      (
        await host.exec(["docker", "inspect", "--format", "{{.State.StartedAt}}", `${APP}-backend-green`], {
          become: true,
        })
      ).stdout.trim();
    const before = await started();
    const result = await deploy({ ...base(), images: v1Images, versionEnv: { APP_VERSION: "v2" } });
    expect(result.hosts[0]?.status).toBe("ok");
    expect(await started()).toBe(before);
  });

  it("an image built with BROKEN=unhealthy is never switched to", async () => {
    const [broken] = await buildImages(
      [
        {
          service: "backend",
          repository: `${loadSandbox().registry}/e2e-${APP}-${RUN}/flask-backend`,
          context: `${REPO_ROOT}/examples/flask-docker`,
          buildArgs: { BROKEN: "unhealthy" },
        },
      ],
      {
        git: { commitSha: randomBytes(20).toString("hex"), branch: null, source: null },
        registries: { [loadSandbox().registry]: { insecure: true } },
      },
    );
    references.push(broken?.reference as string);
    const result = await deploy({
      ...base(),
      images: { backend: broken?.reference as string },
      versionEnv: { APP_VERSION: "v3" },
    });
    expect(result.ok).toBe(false);
    expect(result.hosts[0]?.error).toContain("did not become healthy");
    expect(await version()).toBe("v2");
    expect(await noteTitles()).toContain("before-v2");
    const running = await host.exec(["docker", "inspect", "--format", "{{.State.Running}}", `${APP}-backend-blue`], {
      become: true,
    });
    expect(running.stdout.trim()).toBe("false");
  });

  it("rollback goes back to v1 (same image, its recorded env) on the other color; the data stays", async () => {
    const result = await rollback({ config, actor: "e2e", drainSeconds: 1, secrets: { SECRET_KEY: "e2e-secret" } });
    expect(result.ok).toBe(true);
    expect(result.hosts[0]?.color).toBe("blue");
    expect(await version()).toBe("v1");
    expect(await noteTitles()).toContain("before-v2");
  });

  it("a rollback --to a release first deployed on the other color, then a deploy: no live container named a leftover (D52)", async () => {
    const v1 = v1Release;
    const secrets = { SECRET_KEY: "e2e-secret" };
    const next = async (v: string) => {
      const result = await deploy({ ...base(), images: v1Images, versionEnv: { APP_VERSION: v } });
      expect(result.ok).toBe(true);
      return result;
    };
    await next("v5"); // green
    await next("v6"); // blue
    lines.length = 0;
    // v1 was deployed on blue: blue is live now, so it comes back on green.
    const back = await rollback({
      config,
      to: v1,
      actor: "e2e",
      drainSeconds: 1,
      secrets,
      onEvent: terminalSink((l) => lines.push(l)),
    });
    if (!back.ok) console.log(lines.join("\n"));
    expect(back.hosts[0]).toMatchObject({ status: "changed", color: "green", release: v1 });
    const history = JSON.parse((await host.readFile(`/opt/${APP}/releases.json`))?.toString() ?? "{}");
    expect(history.releases.find((r: { id: string }) => r.id === v1)).toMatchObject({
      color: "green",
      units: [`${APP}-backend-green`],
    });
    // A rollback to the release already live changes nothing.
    const again = await rollback({
      config,
      to: v1,
      actor: "e2e",
      secrets,
      onEvent: terminalSink((l) => lines.push(l)),
    });
    expect(again.hosts[0]).toMatchObject({ status: "ok", color: "green", release: v1 });
    expect(lines.join("\n")).toContain(`release ${v1} is already live on green: nothing to do`);
    lines.length = 0;
    await next("v7"); // blue; green (the rolled-back-to v1) stops
    expect(lines.join("\n")).not.toMatch(/no longer in the config|stop them by hand/);
    expect(await version()).toBe("v7");
  });
});
