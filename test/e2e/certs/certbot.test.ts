/**
 * DESIGN step 11 on sandbox target t1 against pebble: the certificate is obtained through the RUNNING nginx while a
 * request loop sees no failure, a second run changes nothing, then HTTPS serves the issued certificate and HTTP
 * redirects. The test owns app `certs-e2e` (its own site file, webroot and lineage) and removes them afterwards.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployHookScript } from "../../../src/certs/commands.js";
import { ensureCertificates } from "../../../src/certs/index.js";
import { parseConfigText } from "../../../src/config/load.js";
import type { SlipwayConfig } from "../../../src/config/schema.js";
import { applyNginxSite } from "../../../src/install/apply.js";
import { connect } from "../../../src/remote/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { nginxSiteFromConfig, sitePathFromConfig } from "../../../src/render/from-config/index.js";
import { loadSandbox, sandboxTarget } from "../support/sandbox.js";
import { addDnsRecord, fetchPebbleRoot, httpGet, requestLoop, tlsPeer } from "./support.js";

const inventory = loadSandbox();
const t1 = sandboxTarget("t1", inventory);
const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
const DOMAIN = `certs-e2e-${stamp}.slipway.test`;
const APP = "certs-e2e";
const WEBROOT = "/var/www/certs-e2e-acme";
const PROBE = `/.well-known/acme-challenge/slipway-probe-${stamp}`;

function testConfig(): SlipwayConfig {
  const yaml = `
app: ${APP}
runtime: systemd
services:
  web:
    build: { context: . }
    port: 18471
    health: { path: /health }
    systemd: { app_module: "app:app" }
proxy:
  domains: [${DOMAIN}]
  routes:
    - { path: /, service: web }
tls:
  enabled: true
  email: ops@slipway.test
  acme_server: ${inventory.acme.directory}
  ca_bundle: ${inventory.acme.targetCaCertPath}
  webroot: ${WEBROOT}
inventory:
  ssh: { user: ${t1.user} }
  hosts:
    t1: { address: ${t1.host} }
`;
  return parseConfigText(yaml, "/tmp/certs-e2e/slipway.yml");
}

describe("certificates through the running nginx (t1, pebble)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;

  beforeAll(async () => {
    config = testConfig();
    host = await connect({
      name: t1.name,
      host: t1.host,
      port: t1.port,
      user: t1.user,
      privateKeyPath: inventory.privateKeyPath,
      knownHosts: readFileSync(inventory.knownHostsPath, "utf8"),
      connectTimeoutMs: 10_000,
    });
    await addDnsRecord(inventory.acme.managementUrl, DOMAIN, t1.host);
    // The site as a deploy leaves it before TLS: HTTP only, ACME webroot served. The probe file is what the loop reads.
    const site = nginxSiteFromConfig(config, { color: "blue", tlsReady: false });
    if (!site) throw new Error("the test config has no nginx site");
    await applyNginxSite(host, site, { become: true, sitePath: sitePathFromConfig(config) });
    const planned = await ensureCertificates(host, config, { become: true, check: true });
    // The renewal hook and the CA drop-in are planned too when an earlier run has not installed them yet.
    expect(planned.actions[0]).toBe("would run certbot");
    expect(planned.actions.at(-1)).toBe("then install the HTTPS server block");
    for (const action of planned.actions.slice(1, -1))
      expect(action).toMatch(/^(deploy hook|REQUESTS_CA_BUNDLE drop-in) /);
    await host.exec(["mkdir", "-p", `${WEBROOT}/.well-known/acme-challenge`], { become: true });
    await host.putFile(`${WEBROOT}${PROBE}`, "probe\n", { become: true, mode: 0o644 });
  });

  afterAll(async () => {
    if (!host) return;
    const rm = (paths: string[]) => host.exec(["rm", "-rf", "--", ...paths], { become: true, check: false });
    await rm([
      `/etc/nginx/conf.d/slipway-${APP}.conf`,
      `/etc/nginx/conf.d/slipway-${APP}.conf.slipway-prev`,
      `/etc/nginx/slipway/${APP}-web.upstream.conf`,
      `/etc/nginx/slipway/${APP}-web.upstream.conf.slipway-prev`,
      WEBROOT,
    ]);
    await host.exec(["/usr/sbin/nginx", "-t", "-q"], { become: true, check: false });
    await host.exec(["systemctl", "reload", "nginx"], { become: true, check: false });
    await host.exec(["certbot", "delete", "--non-interactive", "--cert-name", DOMAIN], {
      become: true,
      check: false,
    });
    await host.close();
  });

  it("obtains the certificate while nginx keeps answering every request", async () => {
    const loop = requestLoop(t1.host, DOMAIN, PROBE);
    const report = await ensureCertificates(host, config, { become: true, check: false });
    const seen = await loop.stop();
    expect(report.changed).toBe(true);
    expect(report.actions).toContain("certbot certonly");
    expect(report.actions).toContain("installed HTTPS site");
    expect(report.certificate).toMatch(/no certificate yet -> valid until/);
    expect(seen.requests).toBeGreaterThan(0);
    expect(seen.failures).toEqual([]);
  });

  it("a second run changes nothing and does not call certbot", async () => {
    const report = await ensureCertificates(host, config, { become: true, check: false });
    expect(report.actions).toEqual([]);
    expect(report.changed).toBe(false);
    expect(report.certificate).toMatch(/^valid until/);
  });

  it("renewal is scheduled with the nginx reload hook", async () => {
    const hook = await host.readFile("/etc/letsencrypt/renewal-hooks/deploy/slipway-reload-nginx.sh", {
      become: true,
    });
    // nginx -t before the reload; a failure logged under slipway-certbot (D70).
    expect(hook?.toString()).toBe(deployHookScript());
    const timer = await host.exec(["systemctl", "is-enabled", "certbot.timer"], { check: false });
    expect(timer.stdout.trim()).toBe("enabled");
  });

  it("HTTPS serves the issued certificate (trusted by pebble's root) and HTTP redirects", async () => {
    const root = await fetchPebbleRoot(inventory.acme.rootsUrl, inventory.acme.caCertPath);
    const peer = await tlsPeer(t1.host, DOMAIN, root);
    expect(peer.error).toBeUndefined();
    expect(peer.authorized).toBe(true);
    expect(peer.cert.subjectaltname).toContain(`DNS:${DOMAIN}`);

    const redirect = await httpGet(t1.host, DOMAIN, "/some/page?x=1");
    expect(redirect.status).toBe(301);
    expect(redirect.location).toBe(`https://${DOMAIN}/some/page?x=1`);
    // The ACME path is never redirected: renewals answer over HTTP.
    expect((await httpGet(t1.host, DOMAIN, PROBE)).status).toBe(200);
  });
});
