/**
 * Fault injection on sandbox target t1 (harvest, runtime systemd). The CLI deploys in a child process with
 * SLIPWAY_FAULT=<step>:after:<kill|term>, which makes it SIGKILL or SIGTERM itself at that step boundary (a lost
 * runner, a cancelled job). After each fault: a plain deploy of the same release converges, exactly one known
 * release serves (the version through nginx and nginx's color header agree with the record), the lock is free, and
 * every database row written before the fault is still there. Then the named faults: a broken release under a
 * request flood (0 failed answers), the preview turned off, an unrelated broken nginx file, a reload that fails, an
 * app that exits at start, two deploys at once, and a rollback.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { cleanupAfterCancel, type DeployOptions, deploy, readLockHolder } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { instanceUnitName } from "../../../src/render/systemd.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { deployFaultSite } from "./fault-site.js";
import { expectConverged, type FaultSite, faultMatrix, requestFlood, runCli } from "./fault-support.js";
import { cleanHost, connectTarget, viaNginx, writeOverlay } from "./support.js";

const APP = "hvfault";
const DOMAIN = "hvfault.e2e.test";
const RELEASE_DIR = `${REPO_ROOT}/examples/harvest`;
const address = () => sandboxTarget("t1").host;
const HEALTH_TIMEOUT = 10;

/** The boundaries faulted: every step that changes something, killed right after it; SIGTERM where undo matters. */
const FAULTS = [
  "lock:after:kill",
  "backup:after:kill",
  "start:after:kill",
  "preview:after:kill",
  "switch:after:kill",
  "verify:after:kill",
  "record:after:kill",
  "retire:after:kill",
  "backup:after:term",
  "start:after:term",
  "switch:after:term",
] as const;

describe("fault injection (harvest on t1, runtime systemd)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  let site: FaultSite;
  let base: () => DeployOptions;
  const version = async () => JSON.parse((await viaNginx(address(), DOMAIN, "/api/health")).body).version;
  const cliDeploy = (release: string, env: Record<string, string> = {}) => runCli(site.cliArgs(release), env);
  const expectServing = (release: string) => expectConverged(site, release, rows);

  beforeAll(async () => {
    host = await connectTarget("t1");
    await cleanHost(host, APP);
    const file = writeOverlay("harvest", {
      app: APP,
      domain: DOMAIN,
      target: "t1",
      ports: { backend: 5321, frontend: 8370 },
      healthTimeout: `${HEALTH_TIMEOUT}s`,
    });
    config = await loadConfig(file);
    ({ site, base } = await deployFaultSite(host, {
      app: APP,
      domain: DOMAIN,
      target: "t1",
      releaseDir: RELEASE_DIR,
      file,
      config,
      healthPath: "/api/health",
      writeRow: (at, crop) => viaNginx(at, DOMAIN, "/api/harvests", "POST", JSON.stringify({ crop, kg: 1 })),
      rows: async (at) =>
        JSON.parse((await viaNginx(at, DOMAIN, "/api/harvests")).body).harvests.map((h: { crop: string }) => h.crop),
      running: async (on, color) =>
        (
          await on.exec(["systemctl", "is-active", instanceUnitName(APP, "backend", color)], { check: false })
        ).stdout.trim() === "active",
      healthTimeoutSeconds: HEALTH_TIMEOUT,
    }));
  });

  afterAll(async () => {
    await host.exec(["rm", "-f", "/etc/nginx/conf.d/zz-hvfault-broken.conf"], { become: true, check: false });
    await cleanHost(host, APP);
    await host.close();
  });

  const rows = faultMatrix(FAULTS, "f0", () => site);

  it("a broken release (public route 500, health 200) under a 3,000-request flood: 0 failed answers", async () => {
    // bench/deploy counts 20,000 requests a phase; here 3,000 on 4 connections prove the same (each one during the
    // deploy is judged) without taking the CPU the deploy and the other lane need.
    const flood = requestFlood(address(), DOMAIN, "/", 4, "BROKEN");
    const result = await deploy({
      ...base(),
      releaseId: "broken",
      versionEnv: { APP_VERSION: "broken", BROKEN: "after-switch" },
    });
    const counts = await flood.stop(3_000);
    console.log(`request flood during a broken-release deploy: ${JSON.stringify(counts)}`);
    expect(result.ok).toBe(false);
    expect(result.hosts[0]?.error).toContain("fails through nginx before the switch");
    expect(counts.total).toBeGreaterThanOrEqual(3_000);
    expect(counts.failed, counts.samples.join("\n")).toBe(0);
  });

  it("with proxy.preview off, the same broken release is switched back after the switch", async () => {
    const noPreview = { ...config, proxy: { ...config.proxy, preview: false } } as SlipwayConfig;
    const result = await deploy({
      ...base(),
      config: noPreview,
      releaseId: "broken2",
      versionEnv: { APP_VERSION: "broken2", BROKEN: "after-switch" },
    });
    expect(result.ok).toBe(false);
    expect(result.hosts[0]?.error).toContain("verification through nginx failed after the switch");
    expect(result.hosts[0]?.error).toMatch(/switched back to (blue|green)/);
    expect(await version()).toBe(`f${FAULTS.length - 1}`);
  });

  it("an app that exits at start is never switched to", async () => {
    const result = await deploy({
      ...base(),
      releaseId: "crash",
      versionEnv: { APP_VERSION: "crash", BROKEN: "crash" },
    });
    expect(result.ok).toBe(false);
    // health.timeout 10 s ends the gate before systemd restarted it twice (RestartSec 5 s): the exit is still named.
    expect(result.hosts[0]?.error).toMatch(
      /did not become healthy at \S+: the unit hvfault-\w+@(blue|green)\.service exited/,
    );
    await expectServing(`f${FAULTS.length - 1}`);
  });

  it("SIGINT during the gate of a release not yet healthy ends within 2 s: interrupted, live untouched, lock released", async () => {
    const live = await version();
    let sentAt = 0;
    let interruptedAt = 0;
    const args = [...site.cliArgs("sigint-gate"), "--version-env", "BROKEN=unhealthy"];
    const run = await runCli(args, site.cliEnv, (output, child) => {
      if (!sentAt && output.includes("waiting for /api/health")) {
        sentAt = Date.now();
        child.kill("SIGINT");
      }
      // The gate's own end (its step event), not the run's failure line, which comes after the undo.
      if (sentAt && !interruptedAt && /step gate interrupted \(/.test(output)) {
        interruptedAt = Date.now();
      }
    });
    console.log(
      `SIGINT during the gate: the gate ended ${interruptedAt - sentAt} ms after it, the run exited (undo done) ${Date.now() - sentAt} ms after it (health.timeout ${HEALTH_TIMEOUT} s)`,
    );
    expect(sentAt, run.output).toBeGreaterThan(0);
    expect(run.code, run.output).toBe(130);
    expect(interruptedAt - sentAt, run.output).toBeLessThan(2000);
    expect(run.output).toContain("interrupted by SIGINT during step gate");
    expect(run.output).not.toContain("did not become healthy");
    expect(await version()).toBe(live);
    expect(await readLockHolder(host, `/opt/${APP}/.slipway-lock`)).toBeUndefined();
  });

  it("an unrelated broken nginx file stops the deploy before any change, naming nginx's error", async () => {
    await host.putFile("/etc/nginx/conf.d/zz-hvfault-broken.conf", "this is not nginx;\n", { become: true });
    try {
      const result = await deploy({ ...base(), releaseId: "f-ngx", versionEnv: { APP_VERSION: "f-ngx" } });
      expect(result.ok).toBe(false);
      expect(result.hosts[0]?.error).toContain("nginx -t fails with the configuration already on the host");
      await expectServing(`f${FAULTS.length - 1}`);
    } finally {
      await host.exec(["rm", "-f", "/etc/nginx/conf.d/zz-hvfault-broken.conf"], { become: true });
    }
  });

  // sshd holds port 22: nginx -t accepts the file, a reload cannot bind and keeps the old workers.
  const BROKEN_RELOAD = "server { listen 127.0.0.1:22; server_name hvfault-reload.invalid; return 204; }\n";

  it("a reload that would fail does not stop the default switch (socket links: nothing reloads)", async () => {
    // The site as the default config renders it (the preview-off test above left it without its preview listener).
    const settled = await deploy({ ...base(), releaseId: "f-settle", versionEnv: { APP_VERSION: "f-settle" } });
    expect(settled.ok, settled.recap).toBe(true);
    await host.putFile("/etc/nginx/conf.d/zz-hvfault-broken.conf", BROKEN_RELOAD, { become: true });
    try {
      const result = await deploy({ ...base(), releaseId: "f-noreload", versionEnv: { APP_VERSION: "f-noreload" } });
      expect(result.ok, result.recap).toBe(true);
      await expectServing("f-noreload");
    } finally {
      await host.exec(["rm", "-f", "/etc/nginx/conf.d/zz-hvfault-broken.conf"], { become: true });
    }
  });

  it("a reload that fails (nginx -t passes, the listen port is taken) switches nothing (proxy.switch reload)", async () => {
    const before = await version();
    const reloading = { ...config, proxy: { ...config.proxy, switch: "reload" as const } };
    await host.putFile("/etc/nginx/conf.d/zz-hvfault-broken.conf", BROKEN_RELOAD, { become: true });
    try {
      const result = await deploy({
        ...base(),
        config: reloading,
        releaseId: "f-reload",
        versionEnv: { APP_VERSION: "f-reload" },
      });
      expect(result.ok).toBe(false);
      expect(result.hosts[0]?.error).toMatch(/reload nginx/);
    } finally {
      await host.exec(["rm", "-f", "/etc/nginx/conf.d/zz-hvfault-broken.conf"], { become: true });
      await host.exec(["systemctl", "reload", "nginx"], { become: true, check: false });
    }
    expect(await version()).toBe(before);
    // The failed switch-back left its intent: the next deploy reconciles it and converges.
    const again = await deploy({
      ...base(),
      config: reloading,
      releaseId: "f-reload",
      versionEnv: { APP_VERSION: "f-reload" },
    });
    expect(again.ok, again.recap).toBe(true);
    await expectServing("f-reload");
  });

  it("a run killed mid-switch, then its cleanup (the Action's post step): lock free, the old release serving", async () => {
    const before = await version();
    const run = await cliDeploy("cancelled", { SLIPWAY_FAULT: "switch:after:kill" });
    expect(run.signal, run.output).toBe("SIGKILL");
    const holder = await readLockHolder(host, `/opt/${APP}/.slipway-lock`);
    expect(holder?.run_id).toMatch(/^[0-9a-f]{12}$/);
    expect(await cleanupAfterCancel({ config, runId: "someone-else" })).toEqual([
      { host: "t1", lock: "held-by-other" },
    ]);
    const [result] = await cleanupAfterCancel({ config, runId: holder?.run_id ?? "" });
    expect(result).toMatchObject({ host: "t1", lock: "released" });
    expect(result?.switchedBack).toMatch(/^(blue|green)$/);
    expect(result?.stopped).toMatch(/^(blue|green)$/);
    expect(result?.stopped).not.toBe(result?.switchedBack);
    expect(await version()).toBe(before);
    await expectServing(before);
  });

  it("two deploys at once: one deploys, the other fails naming the holder", async () => {
    const [a, b] = await Promise.all([cliDeploy("twin-a"), cliDeploy("twin-b")]);
    const outputs = `${a.output}\n----\n${b.output}`;
    // The loser's host failed on the held lock: exit 2 (docs/cli.md).
    expect([a.code, b.code].sort(), outputs).toEqual([0, 2]);
    expect(outputs).toMatch(/deploy lock \/opt\/hvfault\/\.slipway-lock is held by e2e|is held by \S+ \(commit/);
    await expectServing(a.code === 0 ? "twin-a" : "twin-b");
  });
});
