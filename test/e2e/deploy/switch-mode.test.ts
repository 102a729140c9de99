/**
 * `proxy.switch` changed between deploys (harvest, systemd, sandbox target t1), under a keep-alive request flood
 * through nginx: socket to reload, then back. The deploy that leaves the socket switch keeps the colors' unix
 * listeners through its reload (nginx's old workers still send their requests through the links) and removes the
 * links only at its retire; the next deploy drops the listeners. No request gets an HTTP error (a 502 from a listener
 * the reload removed) either way; a changed site's reload still closes keep-alive connections (docs/config.md
 * proxy.switch), which the client sees as a reset: measured 2, 2 and 4 of 15,000-22,000 requests, all resets.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { requestFlood } from "./fault-support.js";
import { cleanHost, connectTarget, viaNginx, writeOverlay } from "./support.js";

const APP = "swmode";
const DOMAIN = "swmode.e2e.test";
const LINKS = `/etc/nginx/slipway/${APP}-backend.sock`;

describe("proxy.switch changed between deploys, under a request flood (t1)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  const lines: string[] = [];
  const address = () => sandboxTarget("t1").host;
  const ship = (releaseId: string, mode: "socket" | "reload") =>
    deploy({
      config: { ...config, proxy: { ...config.proxy, switch: mode } } as SlipwayConfig,
      commit: "0".repeat(40),
      actor: "e2e",
      releaseDir: `${REPO_ROOT}/examples/harvest`,
      secrets: { SECRET_KEY: "e2e" },
      drainSeconds: 1,
      releaseId,
      versionEnv: { APP_VERSION: releaseId },
      onEvent: terminalSink((line) => lines.push(line)),
    });
  const underFlood = async (releaseId: string, mode: "socket" | "reload") => {
    const flood = requestFlood(address(), DOMAIN, "/api/health", 4, "never in a body");
    const result = await ship(releaseId, mode);
    const counts = await flood.stop(200);
    console.log(`switch ${mode} (${releaseId}) under a flood: ${JSON.stringify(counts)}`);
    expect(result.ok, result.recap).toBe(true);
    // Every failure sampled is a closed connection (the reload's), none an HTTP answer (a missing listener's 502).
    expect(
      counts.samples.filter((why) => why.startsWith("HTTP")),
      counts.samples.join("\n"),
    ).toEqual([]);
    return counts;
  };
  const linked = async () => (await host.exec(["test", "-L", LINKS], { check: false })).code === 0;

  beforeAll(async () => {
    host = await connectTarget("t1");
    await cleanHost(host, APP);
    const file = writeOverlay("harvest", { app: APP, domain: DOMAIN, target: "t1", ports: {}, healthTimeout: "180s" });
    config = await loadConfig(file);
    config = { ...config, tls: { ...config.tls, enabled: false } } as SlipwayConfig;
    const first = await ship("m1", "socket");
    expect(first.ok, first.recap).toBe(true);
    expect(await linked()).toBe(true);
  });

  afterAll(async () => {
    if (!host) return;
    await cleanHost(host, APP);
    await host.close();
  });

  it("socket to reload: no HTTP error; the links are gone after the deploy", async () => {
    await underFlood("m2", "reload");
    expect(JSON.parse((await viaNginx(address(), DOMAIN, "/api/health")).body).version).toBe("m2");
    expect(await linked()).toBe(false);
  });

  it("the next reload deploy drops the listeners: no HTTP error", async () => {
    await underFlood("m3", "reload");
    const site = await host.readFile(`/etc/nginx/conf.d/slipway-${APP}.conf`);
    expect(site?.toString()).not.toContain("unix:/run/slipway/");
  });

  it("reload back to socket: no HTTP error", async () => {
    await underFlood("m4", "socket");
    expect(await linked()).toBe(true);
    expect(JSON.parse((await viaNginx(address(), DOMAIN, "/api/health")).body).version).toBe("m4");
  });
});
