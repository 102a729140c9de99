/**
 * A tester's report: `slipway certs` with `tls.ca_bundle` naming a file that is not on the host failed with a hint
 * about DNS. The step must name the key and the file, say what to do, and run no certbot; with the real bundle
 * (pebble's CA, which the sandbox installs) the same config plans a certbot run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CertificateError, certSpecFromConfig, ensureCertificate } from "../../../src/certs/index.js";
import { parseConfigText } from "../../../src/config/load.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { connectTarget, loadSandbox } from "../support/sandbox.js";

const inventory = loadSandbox();
const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
const MISSING = `/usr/local/share/slipway/ca-${stamp}.pem`;

function spec(caBundle: string) {
  const config = parseConfigText(
    `
app: cabundle-e2e
runtime: systemd
services:
  web: { build: { context: . }, port: 18472, systemd: { app_module: "app:app" } }
proxy:
  domains: [cabundle-${stamp}.slipway.test]
  routes: [{ path: /, service: web }]
tls: { enabled: true, email: ops@slipway.test, acme_server: ${inventory.acme.directory}, ca_bundle: ${caBundle} }
inventory: { hosts: { t1: { address: 10.213.0.11 } } }
`,
    "/tmp/cabundle-e2e/slipway.yml",
  );
  const built = certSpecFromConfig(config);
  if (!built) throw new Error("the test config has no ACME certificate");
  return built;
}

describe("tls.ca_bundle missing on the host (t1)", () => {
  let host: RemoteHost;

  beforeAll(async () => {
    host = await connectTarget("t1");
  });

  afterAll(async () => {
    await host?.close();
  });

  for (const check of [false, true]) {
    it(`names the key and the file, and says what to do (${check ? "plan" : "run"})`, async () => {
      const error = await ensureCertificate(host, spec(MISSING), { become: true, check }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CertificateError);
      const e = error as CertificateError;
      expect(e.message).toBe(`tls.ca_bundle: ${MISSING} is not a readable file on the host`);
      expect(e.host).toBe("t1");
      expect(e.hint).toContain(`copy the PEM certificate of your ACME server's CA to ${MISSING} on the host`);
      expect(e.hint).not.toMatch(/resolve|DNS/);
    });
  }

  it("with the bundle in place, the plan is a certbot run", async () => {
    const planned = await ensureCertificate(host, spec(inventory.acme.targetCaCertPath), { become: true, check: true });
    expect(planned.msg).toMatch(/would run certbot$/);
  });
});
