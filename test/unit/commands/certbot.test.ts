import { describe, expect, it } from "vitest";
import { type CertonlySpec, certbotCertonlyArgv, certbotEnv } from "../../../src/commands/certbot.js";

const spec: CertonlySpec = {
  webroot: "/var/www/slipway-acme",
  domains: ["a.example", "www.a.example"],
  acmeServer: "https://acme.test/dir",
  email: "ops@a.example",
  staging: false,
  certName: "shop",
};

describe("certbot builder", () => {
  it("certonly --webroot with every name, the server and the cert name", () => {
    expect(certbotCertonlyArgv(spec)).toEqual([
      "certbot",
      "certonly",
      "--webroot",
      "-w",
      "/var/www/slipway-acme",
      "-d",
      "a.example",
      "-d",
      "www.a.example",
      "--server",
      "https://acme.test/dir",
      "--non-interactive",
      "--agree-tos",
      "-m",
      "ops@a.example",
      "--cert-name",
      "shop",
      "--keep-until-expiring",
    ]);
    expect(certbotCertonlyArgv({ ...spec, staging: true })).toContain("--staging");
  });

  it("passes a private CA bundle through the environment only", () => {
    expect(certbotEnv(spec)).toEqual({});
    expect(certbotEnv({ caBundle: "/etc/ca.pem" })).toEqual({ REQUESTS_CA_BUNDLE: "/etc/ca.pem" });
  });
});
