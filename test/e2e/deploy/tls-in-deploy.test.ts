/**
 * TLS inside `slipway deploy` (harvest on t1, pebble as the ACME server): on a host with no certificate, one deploy
 * gets a certificate covering every name the site serves (the API subdomain too) through the running nginx and
 * switches in the HTTPS site; a second deploy requests nothing; a new name in proxy.domains requests again.
 * No `slipway certs` anywhere.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import type { DeployEvent, StepEvent } from "../../../src/deploy/events.js";
import { type DeployOptions, deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { addDnsRecord, fetchPebbleRoot, tlsPeer } from "../certs/support.js";
import { loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, writeOverlay } from "./support.js";

const APP = "tlsdeploy";
const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
const DOMAIN = `tlsdeploy-${stamp}.slipway.test`;
const API = `api.${DOMAIN}`;
const WWW = `www.${DOMAIN}`;
const WEBROOT = "/var/www/tlsdeploy-acme";
const inventory = loadSandbox();
const t1 = sandboxTarget("t1", inventory);

/** harvest with TLS on, served under `domains`. */
async function tlsConfig(domains: string[]): Promise<SlipwayConfig> {
  const file = writeOverlay("harvest", {
    app: APP,
    domain: DOMAIN,
    target: "t1",
    ports: { backend: 5391, frontend: 8391 },
    healthTimeout: "10s",
  });
  const yaml = parse(readFileSync(file, "utf8"));
  yaml.proxy.domains = domains;
  yaml.tls = {
    enabled: true,
    email: "ops@slipway.test",
    acme_server: inventory.acme.directory,
    ca_bundle: inventory.acme.targetCaCertPath,
    webroot: WEBROOT,
  };
  writeFileSync(file, stringify(yaml));
  return loadConfig(file);
}

describe("TLS inside the deploy (harvest on t1, pebble)", () => {
  let host: RemoteHost;
  let root: string;

  /** One deploy; returns its certificate step's end event. */
  async function deployWith(config: SlipwayConfig, release: string): Promise<StepEvent> {
    const events: DeployEvent[] = [];
    const options: DeployOptions = {
      config,
      actor: "e2e",
      releaseDir: `${REPO_ROOT}/examples/harvest`,
      drainSeconds: 0,
      releaseId: release,
      versionEnv: { APP_VERSION: release },
      onEvent: (e) => events.push(e),
    };
    const result = await deploy(options);
    expect(result.ok, result.recap).toBe(true);
    const step = events.find(
      (e): e is StepEvent => e.kind === "step" && e.step === "certificate" && e.status !== "started",
    );
    if (!step) throw new Error("no certificate step event");
    return step;
  }

  /** The certificate nginx serves for `name` (SNI), verified against pebble's root. */
  async function served(name: string) {
    const peer = await tlsPeer(t1.host, name, root);
    expect(peer.error).toBeUndefined();
    expect(peer.authorized).toBe(true);
    return peer.cert;
  }

  const httpsVersion = async (name: string) => {
    const argv = ["curl", "-sk", "--resolve", `${name}:443:127.0.0.1`, `https://${name}/api/health`];
    return JSON.parse((await host.exec(argv)).stdout).version;
  };

  beforeAll(async () => {
    host = await connectTarget("t1");
    await cleanHost(host, APP);
    // A fresh host: no certificate for the site's name.
    await host.exec(["certbot", "delete", "--non-interactive", "--cert-name", DOMAIN], { become: true, check: false });
    for (const name of [DOMAIN, API, WWW]) await addDnsRecord(inventory.acme.managementUrl, name, t1.host);
    root = await fetchPebbleRoot(inventory.acme.rootsUrl, inventory.acme.caCertPath);
  });

  afterAll(async () => {
    await cleanHost(host, APP);
    await host.exec(["rm", "-rf", "--", WEBROOT], { become: true, check: false });
    await host.exec(["certbot", "delete", "--non-interactive", "--cert-name", DOMAIN], { become: true, check: false });
    await host.close();
  });

  it("one deploy on a host without a certificate serves HTTPS with a certificate for every name", async () => {
    const step = await deployWith(await tlsConfig([DOMAIN, API]), "r1");
    expect(step.status).toBe("changed");
    expect(step.data).toEqual({ requested: true, names: [DOMAIN, API] });
    for (const name of [DOMAIN, API]) {
      const cert = await served(name);
      expect((cert.subjectaltname ?? "").split(", ").sort()).toEqual([`DNS:${API}`, `DNS:${DOMAIN}`]);
      expect(await httpsVersion(name)).toBe("r1");
    }
  });

  it("a second deploy requests nothing: the same certificate is served", async () => {
    const before = (await served(DOMAIN)).fingerprint256;
    const step = await deployWith(await tlsConfig([DOMAIN, API]), "r2");
    expect(step.status).toBe("ok");
    expect(step.data).toEqual({ requested: false, names: [DOMAIN, API] });
    expect((await served(DOMAIN)).fingerprint256).toBe(before);
    expect(await httpsVersion(API)).toBe("r2");
  });

  it("a new name in proxy.domains requests again, and the new certificate covers it", async () => {
    const before = (await served(DOMAIN)).fingerprint256;
    const step = await deployWith(await tlsConfig([DOMAIN, API, WWW]), "r3");
    expect(step.data).toEqual({ requested: true, names: [DOMAIN, API, WWW] });
    const cert = await served(WWW);
    expect(cert.fingerprint256).not.toBe(before);
    expect((cert.subjectaltname ?? "").split(", ").sort()).toEqual([`DNS:${API}`, `DNS:${DOMAIN}`, `DNS:${WWW}`]);
    expect(await httpsVersion(WWW)).toBe("r3");
  });
});
