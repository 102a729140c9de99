/** D78: a provided certificate missing, unreadable, mismatched or expired refuses preflight before any change. */
import { describe, expect, it } from "vitest";
import { providedCertArgv } from "../../../src/commands/tls.js";
import { checkProvidedCertificate, providedCertProblem } from "../../../src/deploy/provided-cert.js";
import { certOf } from "../../../src/deploy/status-read.js";
import { SlipwayError } from "../../../src/errors.js";
import { FakeHost } from "../engine/fake-host.js";
import { configWith } from "../render/from-config/config.js";

const cert = "/etc/ssl/nu/missing.pem";
const key = "/etc/ssl/nu/missing.key";

describe("provided certificate check (D78)", () => {
  it("one sh -c, the paths as positional parameters: readability, then openssl's public keys compared and the expiry", () => {
    const argv = providedCertArgv(cert, key);
    expect([...argv.slice(0, 2), ...argv.slice(3)]).toEqual(["sh", "-c", "sh", cert, key]);
    expect(argv[2]?.split("\n")).toEqual([
      'for f in "$1" "$2"; do test -f "$f" && test -r "$f" || echo "missing $f"; done',
      'test -f "$1" && test -f "$2" || exit 0',
      "command -v openssl >/dev/null 2>&1 || { echo ok; exit 0; }",
      'a=$(openssl x509 -noout -pubkey -in "$1" 2>/dev/null); b=$(openssl pkey -pubout -in "$2" 2>/dev/null)',
      'if [ -z "$a" ] || [ "$a" != "$b" ]; then echo mismatch; fi',
      'openssl x509 -noout -checkend 0 -in "$1" >/dev/null 2>&1 || echo expired',
      "echo ok",
    ]);
  });

  it("names each missing file by its key, then a mismatch, then an expiry; ok is no problem", () => {
    expect(providedCertProblem(`missing ${cert}\nmissing ${key}\n`, cert, key)).toBe(
      `tls.certificate_path ${cert} and tls.key_path ${key} do not exist or cannot be read`,
    );
    expect(providedCertProblem(`missing ${key}\n`, cert, key)).toBe(
      `tls.key_path ${key} does not exist or cannot be read`,
    );
    expect(providedCertProblem("mismatch\nok\n", cert, key)).toBe(
      `tls.key_path ${key} is not the key of tls.certificate_path ${cert}`,
    );
    expect(providedCertProblem("expired\nok\n", cert, key)).toBe(`tls.certificate_path ${cert} has expired`);
    expect(providedCertProblem("ok\n", cert, key)).toBeNull();
  });

  it("refuses with host, step, the paths and what to do; as root (nginx reads them as root)", async () => {
    const host = new FakeHost("t13");
    host.handlers.set("sh", () => ({ stdout: `missing ${cert}\nmissing ${key}\n` }));
    const config = configWith({
      tls: { enabled: true, certificate_path: cert, key_path: key },
    });
    const error = (await checkProvidedCertificate(host, config, "preflight").catch((e: unknown) => e)) as SlipwayError;
    expect(error).toBeInstanceOf(SlipwayError);
    expect(error.message).toBe(
      `tls.certificate_path ${cert} and tls.key_path ${key} do not exist or cannot be read on t13: the site would have no HTTPS`,
    );
    expect({ host: error.host, step: error.step, hint: error.hint }).toEqual({
      host: "t13",
      step: "preflight",
      hint: "put the certificate and its key on t13 at those paths (readable by root, as nginx reads them), or fix tls.certificate_path and tls.key_path in slipway.yml, then deploy again; nothing was changed",
    });
    expect(host.commands.find((c) => c.argv[0] === "sh")?.become).toBe(true);
  });

  it("no provided certificate (ACME or TLS off): nothing runs", async () => {
    const host = new FakeHost("t13");
    expect(await checkProvidedCertificate(host, configWith({}), "preflight")).toBe(false);
    expect(host.ran).toEqual([]);
  });
});

describe("status reads a provided certificate (D78)", () => {
  it("the file at tls.certificate_path, no names to cover, a problem once missing or past its end", () => {
    const config = configWith({ tls: { enabled: true, certificate_path: cert, key_path: key } });
    expect(certOf(config)).toEqual({ path: cert, name: cert, domains: [], renewBeforeDays: 0 });
  });
});
