/**
 * D70 on sandbox target t1 against pebble: a renewal while `nginx -t` fails. certbot writes the new certificate, the
 * deploy hook refuses to reload (and logs why under slipway-certbot), nginx keeps serving the old one, and
 * `slipway status` says so (exit 2) with nginx -t's file:line, where it used to report the new file as valid. The
 * test owns app `served-e2e` (its site, webroot, lineage and a broken conf.d snippet) and removes them afterwards.
 * Run it under `flock /tmp/slipway-e2e.lock`: the broken snippet fails `nginx -t` for every site on t1 meanwhile.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureCertificates } from "../../../src/certs/index.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { readStatus } from "../../../src/deploy/status-read.js";
import { applyNginxSite } from "../../../src/install/apply.js";
import { connect } from "../../../src/remote/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { nginxSiteFromConfig, sitePathFromConfig } from "../../../src/render/from-config/index.js";
import { slipway } from "../../support/cli-in-process.js";
import { loadSandbox, sandboxTarget } from "../support/sandbox.js";
import { addDnsRecord } from "./support.js";

const inventory = loadSandbox();
const t1 = sandboxTarget("t1", inventory);
const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
const DOMAIN = `served-e2e-${stamp}.slipway.test`;
const APP = "served-e2e";
const WEBROOT = "/var/www/served-e2e-acme";
const BROKEN = `/etc/nginx/conf.d/zz-served-e2e-${stamp}.conf`;

function writeConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), "served-e2e-"));
  const file = join(dir, "slipway.yml");
  writeFileSync(
    file,
    `app: ${APP}
runtime: systemd
services:
  web:
    build: { context: . }
    port: 18473
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
  ssh: { user: ${t1.user}, identity_file: ${inventory.privateKeyPath}, known_hosts_file: ${inventory.knownHostsPath} }
  hosts:
    t1: { address: ${t1.host}, port: ${t1.port} }
`,
  );
  return file;
}

describe("a renewal nginx never loaded (D70, t1, pebble)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  let file: string;
  const since = new Date(Date.now() - 5_000).toISOString().replace("T", " ").slice(0, 19);

  beforeAll(async () => {
    file = writeConfig();
    config = await loadConfig(file);
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
    const site = nginxSiteFromConfig(config, { color: "blue", tlsReady: false });
    if (!site) throw new Error("the test config has no nginx site");
    await applyNginxSite(host, site, { become: true, sitePath: sitePathFromConfig(config) });
    const report = await ensureCertificates(host, config, { become: true, check: false });
    expect(report.actions).toContain("installed HTTPS site");
  });

  afterAll(async () => {
    if (!host) return;
    const rm = (paths: string[]) => host.exec(["rm", "-rf", "--", ...paths], { become: true, check: false });
    await rm([
      BROKEN,
      `/etc/nginx/conf.d/slipway-${APP}.conf`,
      `/etc/nginx/conf.d/slipway-${APP}.conf.slipway-prev`,
      `/etc/nginx/slipway/${APP}-web.upstream.conf`,
      `/etc/nginx/slipway/${APP}-web.upstream.conf.slipway-prev`,
      WEBROOT,
    ]);
    await host.exec(["/usr/sbin/nginx", "-t", "-q"], { become: true, check: false });
    await host.exec(["systemctl", "reload", "nginx"], { become: true, check: false });
    await host.exec(["certbot", "delete", "--non-interactive", "--cert-name", DOMAIN], { become: true, check: false });
    await host.close();
  });

  it("status: nginx serves the certificate file", async () => {
    const [status] = await readStatus(config);
    expect(status?.certificate).toMatchObject({ state: "valid", servedState: "loaded" });
    expect(status?.certificate?.served?.serial).toBe(status?.certificate?.file?.serial);
    expect(status?.problems.join("\n")).not.toMatch(/certificate/);
  });

  it("renewed while nginx -t fails: the hook logs it, status exits 2 naming the file and line", async () => {
    const before = (await readStatus(config))[0]?.certificate?.served?.serial;
    await host.putFile(BROKEN, "bogus_directive_d70 on;\n", { become: true, mode: 0o644 });
    // The unit's own renewal, forced (what the notes did): certbot calls the deploy hook after writing the lineage.
    const renew = await host.exec(
      [
        "env",
        `REQUESTS_CA_BUNDLE=${inventory.acme.targetCaCertPath}`,
        "certbot",
        "renew",
        "--cert-name",
        DOMAIN,
        "--force-renewal",
        "--no-random-sleep-on-renew",
        "--non-interactive",
      ],
      { become: true, check: false, timeoutMs: 120_000 },
    );
    expect(`${renew.stdout}${renew.stderr}`).toMatch(/deploy-hook|slipway-reload-nginx/);

    const [status] = await readStatus(config);
    const cert = status?.certificate;
    expect(cert?.served?.serial).toBe(before);
    expect(cert?.file?.serial).not.toBe(before);
    expect(cert?.servedState).toBe("not-loaded");
    const problem = status?.problems.find((p) => p.startsWith("renewed certificate not loaded by nginx"));
    expect(problem).toBe(
      `renewed certificate not loaded by nginx (serves serial ${before} until ${cert?.served?.notAfter}, the file has serial ${cert?.file?.serial} until ${cert?.file?.notAfter}): nginx -t fails: unknown directive "bogus_directive_d70" in ${BROKEN}:1`,
    );

    const cli = await slipway("status", "-c", file);
    expect(cli.code, cli.stderr).toBe(2);
    expect(cli.stdout).toContain(`nginx -t fails: unknown directive "bogus_directive_d70" in ${BROKEN}:1`);
    expect(cli.stdout).toContain(`nginx serves serial ${before}`);

    const journal = await host.exec(["journalctl", "--no-pager", "-t", "slipway-certbot", "--since", since], {
      become: true,
      check: false,
    });
    expect(journal.stdout).toContain(`renewed certificate for ${DOMAIN} not loaded: nginx -t fails:`);
    expect(journal.stdout).toContain(`unknown directive "bogus_directive_d70" in ${BROKEN}:1`);
  });

  it("fixed and reloaded: nginx serves the renewed certificate and the problem is gone", async () => {
    await host.exec(["rm", "-f", "--", BROKEN], { become: true });
    await host.exec(["systemctl", "reload", "nginx"], { become: true });
    // A reload returns before the new workers answer: poll a few times.
    for (let i = 0; i < 20; i++) {
      const [status] = await readStatus(config);
      if (status?.certificate?.servedState === "loaded") {
        expect(status.problems.join("\n")).not.toMatch(/certificate/);
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error("nginx never served the renewed certificate after the reload");
  });
});
