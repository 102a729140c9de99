import { describe, expect, it } from "vitest";
import { CertificateError } from "../../../src/certs/errors.js";
import { certSpecFromConfig } from "../../../src/certs/spec.js";
import type { SlipwayConfig } from "../../../src/config/schema.js";

function config(tls: Partial<SlipwayConfig["tls"]>, domains: string[] = ["app.test", "www.app.test"]): SlipwayConfig {
  return {
    app: "app",
    proxy: { domains },
    tls: {
      enabled: true,
      email: "ops@app.test",
      acme_server: "https://acme.test/dir",
      staging: false,
      webroot: "/var/www/slipway-acme",
      redirect_http: true,
      ...tls,
    },
  } as unknown as SlipwayConfig;
}

describe("certSpecFromConfig", () => {
  it("maps tls keys; lineage named after the first domain (the path the nginx site reads)", () => {
    expect(certSpecFromConfig(config({ ca_bundle: "/ca.pem" }))).toEqual({
      domains: ["app.test", "www.app.test"],
      webroot: "/var/www/slipway-acme",
      email: "ops@app.test",
      acmeServer: "https://acme.test/dir",
      staging: false,
      caBundle: "/ca.pem",
      certName: "app.test",
      renewBeforeDays: 30,
    });
  });

  it("tls.domains wins over proxy.domains", () => {
    expect(certSpecFromConfig(config({ domains: ["only.test"] }))?.domains).toEqual(["only.test"]);
  });

  it("no ACME when TLS is off or a certificate is provided", () => {
    expect(certSpecFromConfig(config({ enabled: false }))).toBeNull();
    expect(certSpecFromConfig(config({ certificate_path: "/c.pem", key_path: "/k.pem" }))).toBeNull();
  });

  it("names what is missing", () => {
    expect(() => certSpecFromConfig(config({}, []))).toThrow(CertificateError);
    expect(() => certSpecFromConfig(config({ email: undefined }))).toThrow(/tls.email/);
  });
});
