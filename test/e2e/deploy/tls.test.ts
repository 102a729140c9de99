/**
 * A TLS site (certificate from pebble) on sandbox target t1: once the certificate exists the port-80 server only
 * redirects, so the check after the switch must go through HTTPS with the site's name. A release whose public route
 * fails (health passes) is stopped at the preview and never switched to; with the preview off it is switched to,
 * found failing over HTTPS, and switched back.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { ensureCertificates } from "../../../src/certs/index.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { addDnsRecord } from "../certs/support.js";
import { loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, writeOverlay } from "./support.js";

const APP = "hvtls";
const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
const DOMAIN = `hvtls-${stamp}.slipway.test`;
const WEBROOT = "/var/www/hvtls-acme";

describe("deploy with TLS on (harvest on t1, pebble)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  const base = (): DeployOptions => ({
    config,
    actor: "e2e",
    releaseDir: `${REPO_ROOT}/examples/harvest`,
    drainSeconds: 0,
  });
  /** The version as users get it: HTTPS with SNI, from the host itself (the name resolves only in the sandbox). */
  const httpsVersion = async () => {
    const argv = ["curl", "-sk", "--resolve", `${DOMAIN}:443:127.0.0.1`, `https://${DOMAIN}/api/health`];
    return JSON.parse((await host.exec(argv)).stdout).version;
  };

  beforeAll(async () => {
    const inventory = loadSandbox();
    host = await connectTarget("t1");
    await cleanHost(host, APP);
    const file = writeOverlay("harvest", {
      app: APP,
      domain: DOMAIN,
      target: "t1",
      ports: { backend: 5331, frontend: 8380 },
      healthTimeout: "10s",
    });
    const yaml = parse(readFileSync(file, "utf8"));
    yaml.tls = {
      enabled: true,
      email: "ops@slipway.test",
      acme_server: inventory.acme.directory,
      ca_bundle: inventory.acme.targetCaCertPath,
      webroot: WEBROOT,
    };
    writeFileSync(file, stringify(yaml));
    config = await loadConfig(file);
    await addDnsRecord(inventory.acme.managementUrl, DOMAIN, sandboxTarget("t1", inventory).host);
    const first = await deploy({ ...base(), releaseId: "t1", versionEnv: { APP_VERSION: "t1" } });
    expect(first.ok, first.recap).toBe(true);
    // The app makes its database on the first write; from then on every deploy backs it up. The first deploy got the
    // certificate itself (its certificate step), so port 80 redirects: the write goes over HTTPS.
    const added = await host.exec([
      "curl",
      "-sk",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      "--resolve",
      `${DOMAIN}:443:127.0.0.1`,
      "-X",
      "POST",
      "-H",
      "Content-Type: application/json",
      "--data",
      '{"crop":"tls","kg":1}',
      `https://${DOMAIN}/api/harvests`,
    ]);
    expect(added.stdout).toBe("201");
    await ensureCertificates(host, config, { become: true, check: false });
    // The HTTPS block is in place now and port 80 redirects: a second deploy verifies over HTTPS.
    const second = await deploy({ ...base(), releaseId: "t2", versionEnv: { APP_VERSION: "t2" } });
    expect(second.ok, second.recap).toBe(true);
    expect(await httpsVersion()).toBe("t2");
  });

  afterAll(async () => {
    await cleanHost(host, APP);
    await host.exec(["rm", "-rf", "--", WEBROOT], { become: true, check: false });
    await host.exec(["certbot", "delete", "--non-interactive", "--cert-name", DOMAIN], { become: true, check: false });
    await host.close();
  });

  it("a release whose public route fails is never switched to (preview through nginx)", async () => {
    const result = await deploy({
      ...base(),
      releaseId: "t3",
      versionEnv: { APP_VERSION: "t3", BROKEN: "after-switch" },
    });
    expect(result.ok).toBe(false);
    expect(result.hosts[0]?.error).toContain("fails through nginx before the switch");
    expect(await httpsVersion()).toBe("t2");
  });

  it("with the preview off, it is found failing over HTTPS after the switch and switched back", async () => {
    const noPreview = { ...config, proxy: { ...config.proxy, preview: false } } as SlipwayConfig;
    const result = await deploy({
      ...base(),
      config: noPreview,
      releaseId: "t4",
      versionEnv: { APP_VERSION: "t4", BROKEN: "after-switch" },
    });
    expect(result.ok).toBe(false);
    expect(result.hosts[0]?.error).toContain(
      `verification through nginx failed after the switch: GET https://${DOMAIN}/`,
    );
    expect(result.hosts[0]?.error).toMatch(/switched back to (blue|green)/);
    expect(await httpsVersion()).toBe("t2");
  });
});
