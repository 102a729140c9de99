import { describe, expect, it } from "vitest";
import { caBundleDropIn, DEPLOY_HOOK_PATH, deployHookScript, renewServiceUnit } from "../../../src/certs/commands.js";
import { type CertState, certState } from "../../../src/certs/inspect.js";
import type { CertSpec } from "../../../src/certs/spec.js";
import { certbotCertonlyArgv, certbotEnv } from "../../../src/commands/certbot.js";
import { unitLoadStateArgv } from "../../../src/commands/systemd.js";
import { selfSigned } from "./self-signed.js";

const spec: CertSpec = {
  domains: ["example.com", "www.example.com"],
  webroot: "/var/www/slipway-acme",
  email: "ops@example.com",
  acmeServer: "https://acme.example/dir",
  staging: false,
  certName: "example.com",
  renewBeforeDays: 30,
};

describe("certbot argv", () => {
  it("webroot through the running nginx, every domain, non-interactive, keep until expiring", () => {
    expect(certbotCertonlyArgv(spec)).toEqual([
      "certbot",
      "certonly",
      "--webroot",
      "-w",
      "/var/www/slipway-acme",
      "-d",
      "example.com",
      "-d",
      "www.example.com",
      "--server",
      "https://acme.example/dir",
      "--non-interactive",
      "--agree-tos",
      "-m",
      "ops@example.com",
      "--cert-name",
      "example.com",
      "--keep-until-expiring",
    ]);
  });

  it("adds --staging only when asked", () => {
    const argv = certbotCertonlyArgv({ ...spec, staging: true });
    expect(argv.slice(15, 18)).toEqual(["--staging", "--cert-name", "example.com"]);
  });

  it("exports REQUESTS_CA_BUNDLE only for a private CA", () => {
    expect(certbotEnv(spec)).toEqual({});
    expect(certbotEnv({ ...spec, caBundle: "/usr/local/share/ca.pem" })).toEqual({
      REQUESTS_CA_BUNDLE: "/usr/local/share/ca.pem",
    });
  });
});

describe("renewal files", () => {
  it("deploy hook reloads nginx only after nginx -t passes", () => {
    expect(DEPLOY_HOOK_PATH).toBe("/etc/letsencrypt/renewal-hooks/deploy/slipway-reload-nginx.sh");
    expect(deployHookScript()).toBe(
      "#!/bin/sh\n# Installed by slipway: certbot runs this after it renews a certificate.\nset -e\n/usr/sbin/nginx -t -q && systemctl reload nginx\n",
    );
  });

  it("fallback service carries the CA bundle; distro drop-in too", () => {
    expect(renewServiceUnit({ caBundle: "/ca.pem" })).toContain(
      'Environment="REQUESTS_CA_BUNDLE=/ca.pem"\nExecStart=/usr/bin/certbot -q renew\n',
    );
    expect(renewServiceUnit({})).not.toContain("REQUESTS_CA_BUNDLE");
    expect(caBundleDropIn("/ca.pem")).toBe(
      '# Installed by slipway: certbot renewals trust the private ACME server\'s CA.\n[Service]\nEnvironment="REQUESTS_CA_BUNDLE=/ca.pem"\n',
    );
    // A value that would add a directive to a root unit is refused by the unit writer, never pasted.
    for (const bad of [
      "/ca.pem\nExecStartPre=/bin/sh -c 'id > /tmp/pwned'",
      '/ca.pem" "X=1',
      "ca.pem",
      "/a/../etc/x",
    ]) {
      expect(() => caBundleDropIn(bad)).toThrow(/tls\.ca_bundle/);
      expect(() => renewServiceUnit({ caBundle: bad })).toThrow(/tls\.ca_bundle/);
    }
    expect(unitLoadStateArgv("certbot.timer")).toEqual([
      "systemctl",
      "show",
      "--property=LoadState",
      "--value",
      "certbot.timer",
    ]);
  });
});

describe("certState decides whether certbot runs", () => {
  const now = new Date();
  const kind = (s: CertState) => s.kind;

  it("missing file", () => {
    expect(certState(undefined, ["a.test"], now, 30)).toEqual({ kind: "missing" });
  });

  it("valid for 90 days and covering every name: nothing to do", () => {
    const state = certState(selfSigned(["a.test", "b.test"], 90), ["A.test", "b.test"], now, 30);
    expect(kind(state)).toBe("valid");
    if (state.kind === "valid") expect(state.names).toEqual(["a.test", "b.test"]);
  });

  it("expiring within 30 days: renew", () => {
    expect(kind(certState(selfSigned(["a.test"], 20), ["a.test"], now, 30))).toBe("expiring");
  });

  it("a requested name is missing: certbot expands it", () => {
    expect(certState(selfSigned(["a.test"], 90), ["a.test", "c.test"], now, 30)).toMatchObject({
      kind: "names-differ",
      missing: ["c.test"],
    });
  });

  it("garbage: unreadable", () => {
    expect(kind(certState("not a pem", ["a.test"], now, 30))).toBe("unreadable");
  });
});
