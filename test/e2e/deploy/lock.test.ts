/**
 * The deploy lock on a real host (harvest, runtime systemd, on t2): a lock left by a deploy that died fails the next
 * deploy with its holder, commit and time, and stays; `forceUnlock` removes it (printing whose it was) and deploys;
 * `lockWaitSeconds` waits for a held lock and deploys once it goes, reading the host again: a second push of the same
 * commit finds it live and does nothing (D36).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, viaNginx, writeOverlay } from "./support.js";

const APP = "lockdeploy";
const DOMAIN = "lockdeploy.e2e.test";
const LOCK = `/opt/${APP}/.slipway-lock`;
const STALE = { holder: "carol", commit: "feedface", since: "2026-11-01T08:00:00.000Z" };

describe("deploy lock (harvest on t2)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  const lines: string[] = [];
  const base = (): DeployOptions => ({
    config,
    commit: "0123456789abcdef0123456789abcdef01234567",
    actor: "e2e",
    releaseDir: `${REPO_ROOT}/examples/harvest`,
    drainSeconds: 1,
    onEvent: terminalSink((line) => lines.push(line)),
  });

  beforeAll(async () => {
    host = await connectTarget("t2");
    await cleanHost(host, APP);
    const file = writeOverlay("harvest", {
      app: APP,
      domain: DOMAIN,
      target: "t2",
      ports: { backend: 5311, frontend: 8361 },
      healthTimeout: "12s",
    });
    config = await loadConfig(file);
    // A stale lock, as a deploy killed mid-way leaves it.
    await host.exec(["sh", "-c", 'mkdir -p -- "$1" && chown -R deploy "$2"', "sh", LOCK, `/opt/${APP}`], {
      become: true,
    });
    await host.putFile(`${LOCK}/holder`, `${JSON.stringify(STALE)}\n`);
  });

  afterAll(async () => {
    if (!host) return;
    await cleanHost(host, APP);
    await host.close();
  });

  it("a held lock fails the host naming holder, commit and time, and is left in place", async () => {
    const result = await deploy({ ...base(), versionEnv: { APP_VERSION: "v1" } });
    expect(result.ok).toBe(false);
    expect(result.hosts[0]?.status).toBe("failed");
    expect(result.hosts[0]?.error).toContain("held by carol (commit feedface) since 2026-11-01T08:00:00.000Z");
    expect(result.hosts[0]?.error).toContain("--force-unlock");
    expect((await host.exec(["test", "-d", LOCK], { check: false })).code).toBe(0);
  });

  it("forceUnlock removes it, says whose it was, deploys, and releases its own lock", async () => {
    lines.length = 0;
    const result = await deploy({ ...base(), versionEnv: { APP_VERSION: "v1" }, forceUnlock: true });
    if (!result.ok) console.log(lines.join("\n"));
    expect(result.ok).toBe(true);
    expect(lines.join("\n")).toContain(
      `--force-unlock: removing the lock ${LOCK} held by carol (commit feedface) since 2026-11-01T08:00:00.000Z`,
    );
    const health = await viaNginx(sandboxTarget("t2").host, DOMAIN, "/api/health");
    expect(JSON.parse(health.body).version).toBe("v1");
    expect((await host.exec(["test", "-e", LOCK], { check: false })).code).not.toBe(0);
  });

  it("--lock-wait waits for a held lock and deploys once it is released (D32: it failed at once)", async () => {
    lines.length = 0;
    // Another deploy holds the lock (its process is on another machine: not provably dead) and ends 6 s later.
    const other = { ...STALE, host: "elsewhere", pid: 1 };
    await host.exec(["sh", "-c", 'mkdir -p -- "$1" && chown -R deploy "$1"', "sh", LOCK], { become: true });
    await host.putFile(`${LOCK}/holder`, `${JSON.stringify(other)}\n`);
    const release = setTimeout(() => void host.exec(["rm", "-rf", "--", LOCK], { become: true }), 6000);
    const started = Date.now();
    try {
      const result = await deploy({ ...base(), versionEnv: { APP_VERSION: "v2" }, lockWaitSeconds: 60 });
      if (!result.ok) console.log(lines.join("\n"));
      expect(result.ok).toBe(true);
    } finally {
      clearTimeout(release);
    }
    expect(Date.now() - started).toBeGreaterThan(6000);
    expect(lines.join("\n")).toMatch(/took the deploy lock \/opt\/lockdeploy\/\.slipway-lock after waiting [6-9]s/);
    const health = await viaNginx(sandboxTarget("t2").host, DOMAIN, "/api/health");
    expect(JSON.parse(health.body).version).toBe("v2");
  });

  it("a second push of the same commit waits, then finds it live: nothing to do, and the history keeps the first (D36)", async () => {
    lines.length = 0;
    const env = { APP_VERSION: "v3" };
    const first = deploy({ ...base(), versionEnv: env });
    // The second starts once the first holds the lock, as a second CI run of the same commit does.
    const held = async () => (await host.exec(["test", "-d", LOCK], { check: false })).code === 0;
    for (let i = 0; i < 300 && !(await held()); i++) await new Promise((r) => setTimeout(r, 100));
    const second = await deploy({ ...base(), versionEnv: env, lockWaitSeconds: 120 });
    const a = await first;
    if (!a.ok || !second.ok) console.log(lines.join("\n"));
    expect(a.ok).toBe(true);
    expect(second.ok).toBe(true);
    expect(second.hosts[0]).toMatchObject({ status: "ok", release: a.release });
    expect(lines.join("\n")).toMatch(/took the deploy lock \/opt\/lockdeploy\/\.slipway-lock after waiting \d+s/);
    expect(lines.join("\n")).toContain(`release ${a.release} is already live on`);
    const history = JSON.parse((await host.readFile(`/opt/${APP}/releases.json`))?.toString("utf8") ?? "{}");
    const ids = (history.releases as { id: string; result: string }[]).map((r) => `${r.id}:${r.result}`);
    // The release before (v2's) and the first push's, each once: no second deploy of the same commit.
    expect(ids.slice(-2)).toEqual([expect.stringMatching(/:deployed$/), `${a.release}:deployed`]);
    const health = await viaNginx(sandboxTarget("t2").host, DOMAIN, "/api/health");
    expect(JSON.parse(health.body).version).toBe("v3");
  });
});
