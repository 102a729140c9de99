import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { certIdentity, nginxTestVerdict, servedProblem, servedState } from "../../../src/certs/served.js";
import { selfSigned } from "./self-signed.js";

const OLD = { serial: "0154E67D04231EC9", notAfter: "2026-02-01T00:00:00.000Z" };
const NEW = { serial: "7267D0EACEC9C04F", notAfter: "2026-05-01T00:00:00.000Z" };

describe("served certificate against the file (D70)", () => {
  it("reads a PEM's leaf serial and end of validity; nothing from empty or broken text", () => {
    const pem = selfSigned(["d70.example"], 10);
    const cert = new X509Certificate(pem);
    expect(certIdentity(pem)).toEqual({
      serial: cert.serialNumber.toUpperCase(),
      notAfter: new Date(cert.validTo).toISOString(),
    });
    expect(certIdentity(undefined)).toBeNull();
    expect(certIdentity("\n")).toBeNull();
    expect(certIdentity("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----")).toBeNull();
  });

  it("loaded when the serials match; not-loaded when the file is newer; other when nginx serves a newer one", () => {
    expect(servedState(NEW, { ...NEW })).toBe("loaded");
    expect(servedState(NEW, OLD)).toBe("not-loaded");
    expect(servedState(OLD, NEW)).toBe("other");
    expect(servedState(null, OLD)).toBeNull();
    expect(servedState(NEW, null)).toBeNull();
  });

  it("says which certificate nginx serves and which the file holds, then why", () => {
    expect(servedProblem("not-loaded", NEW, OLD)).toBe(
      "renewed certificate not loaded by nginx (serves serial 0154E67D04231EC9 until 2026-02-01T00:00:00.000Z, the file has serial 7267D0EACEC9C04F until 2026-05-01T00:00:00.000Z)",
    );
    expect(servedProblem("other", OLD, NEW, "nginx -t fails: x")).toBe(
      "nginx serves another certificate (serves serial 7267D0EACEC9C04F until 2026-05-01T00:00:00.000Z, the file has serial 0154E67D04231EC9 until 2026-02-01T00:00:00.000Z): nginx -t fails: x",
    );
    expect(servedProblem("loaded", NEW, NEW)).toBeNull();
    expect(servedProblem(null, NEW, null)).toBeNull();
  });

  it("nginx -t's verdict: its first emerg line (file:line), else its last line; a pass means no reload happened", () => {
    const stderr = [
      'nginx: [warn] the "http2_push" directive is obsolete in /etc/nginx/conf.d/a.conf:4',
      'nginx: [emerg] unknown directive "bogus_directive" in /etc/nginx/slipway/shop-admin.conf:2',
      "nginx: configuration file /etc/nginx/nginx.conf test failed",
      "",
    ].join("\n");
    expect(nginxTestVerdict(1, stderr)).toBe(
      'nginx -t fails: unknown directive "bogus_directive" in /etc/nginx/slipway/shop-admin.conf:2',
    );
    // Not on a terminal, nginx writes the error log's form.
    expect(
      nginxTestVerdict(
        1,
        '2026/12/01 04:24:15 [emerg] 23416#23416: unknown directive "bogus" in /etc/nginx/conf.d/zz.conf:1\nnginx: configuration file /etc/nginx/nginx.conf test failed\n',
      ),
    ).toBe('nginx -t fails: unknown directive "bogus" in /etc/nginx/conf.d/zz.conf:1');
    expect(nginxTestVerdict(1, "sudo: a password is required\n")).toBe("nginx -t fails: sudo: a password is required");
    expect(nginxTestVerdict(1, "")).toBe("nginx -t fails: exit 1");
    expect(nginxTestVerdict(0, "nginx: configuration file /etc/nginx/nginx.conf test is successful\n")).toBe(
      "nginx -t passes: nginx was not reloaded since the renewal (sudo systemctl reload nginx)",
    );
  });
});
