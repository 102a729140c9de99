/**
 * Blue-green deploy of the harvest example (runtime systemd) on sandbox target t1: first deploy, zero-downtime
 * deploy under load, a release that never gets healthy, a release that fails after the switch, a no-op redeploy,
 * and a rollback that restores the database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, deploy, rollback } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, requestLoop, viaNginx, writeOverlay } from "./support.js";

const APP = "hvdeploy";
const DOMAIN = "hvdeploy.e2e.test";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const address = () => sandboxTarget("t1").host;

describe("deploy, runtime systemd (harvest on t1)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  const lines: string[] = [];
  const base = (): DeployOptions => ({
    config,
    commit: COMMIT,
    actor: "e2e",
    releaseDir: `${REPO_ROOT}/examples/harvest`,
    drainSeconds: 1,
    onEvent: terminalSink((line) => lines.push(line)),
  });
  const version = async () => JSON.parse((await viaNginx(address(), DOMAIN, "/api/health")).body).version;

  beforeAll(async () => {
    host = await connectTarget("t1");
    await cleanHost(host, APP);
    const file = writeOverlay("harvest", {
      app: APP,
      domain: DOMAIN,
      target: "t1",
      ports: { backend: 5301, frontend: 8350 },
      healthTimeout: "12s",
    });
    config = await loadConfig(file);
  });

  afterAll(async () => {
    await cleanHost(host, APP);
    await host.close();
  });

  it("first deploy serves v1 through nginx", async () => {
    const result = await deploy({ ...base(), versionEnv: { APP_VERSION: "v1" } });
    expect(result.recap).toContain("succeeded");
    expect(result.ok).toBe(true);
    expect(result.hosts).toEqual([expect.objectContaining({ name: "t1", status: "changed", color: "blue" })]);
    expect(await version()).toBe("v1");
    const added = await viaNginx(
      address(),
      DOMAIN,
      "/api/harvests",
      "POST",
      JSON.stringify({ crop: "before-v2", kg: 1 }),
    );
    expect(added.status).toBe(201);
  });

  it("deploys v2 under load with zero failed requests", async () => {
    const loop = requestLoop(address(), DOMAIN, "/api/health", 20);
    const result = await deploy({ ...base(), versionEnv: { APP_VERSION: "v2" } });
    const answers = await loop.stop();
    expect(result.ok).toBe(true);
    expect(answers.length).toBeGreaterThan(20);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const versions = answers.map((a) => JSON.parse(a.body).version);
    expect(versions[0]).toBe("v1");
    expect(versions.at(-1)).toBe("v2");
    expect(result.hosts[0]?.color).toBe("green");
    const history = JSON.parse((await host.readFile(`/opt/${APP}/releases.json`))?.toString() ?? "{}");
    expect(history.releases.at(-1)).toMatchObject({ commit: COMMIT, result: "deployed", actor: "e2e" });
    expect(history.releases.at(-1).backup).toMatch(/\S/);
  });

  it("a second deploy of the same release changes nothing", async () => {
    const pid = async () =>
      (await host.exec(["systemctl", "show", "-p", "MainPID", "--value", `${APP}-backend@green`])).stdout.trim();
    const before = await pid();
    const result = await deploy({ ...base(), versionEnv: { APP_VERSION: "v2" } });
    expect(result.hosts[0]?.status).toBe("ok");
    expect(await pid()).toBe(before);
  });

  it("an unhealthy release is never switched to", async () => {
    await viaNginx(address(), DOMAIN, "/api/harvests", "POST", JSON.stringify({ crop: "after-v2", kg: 2 }));
    const result = await deploy({ ...base(), versionEnv: { APP_VERSION: "v3", BROKEN: "unhealthy" } });
    expect(result.ok).toBe(false);
    expect(result.hosts[0]?.error).toContain("did not become healthy");
    expect(await version()).toBe("v2");
  });

  it("a release whose public route fails is stopped at the preview; with the preview off it is switched back", async () => {
    const previewed = await deploy({ ...base(), versionEnv: { APP_VERSION: "v3", BROKEN: "after-switch" } });
    expect(previewed.ok).toBe(false);
    expect(previewed.hosts[0]?.error).toContain("fails through nginx before the switch");
    expect(await version()).toBe("v2");
    const noPreview = { ...config, proxy: { ...config.proxy, preview: false } } as SlipwayConfig;
    const result = await deploy({
      ...base(),
      config: noPreview,
      versionEnv: { APP_VERSION: "v3", BROKEN: "after-switch" },
    });
    expect(result.ok).toBe(false);
    expect(result.hosts[0]?.error).toContain("switched back to green");
    expect(await version()).toBe("v2");
    expect((await viaNginx(address(), DOMAIN, "/")).status).toBe(200);
  });

  it("rollback --restore-db goes back to v1 and its database", async () => {
    const result = await rollback({
      config,
      actor: "e2e",
      drainSeconds: 1,
      restoreDb: true,
      onEvent: terminalSink((l) => lines.push(l)),
    });
    expect(result.ok).toBe(true);
    expect(await version()).toBe("v1");
    const crops = JSON.parse((await viaNginx(address(), DOMAIN, "/api/harvests")).body).harvests.map(
      (h: { crop: string }) => h.crop,
    );
    expect(crops).toContain("before-v2");
    expect(crops).not.toContain("after-v2");
  });
});
