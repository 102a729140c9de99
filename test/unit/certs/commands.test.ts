import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
  it("deploy hook reloads nginx only after nginx -t passes, and logs a failure to the journal (D70)", () => {
    expect(DEPLOY_HOOK_PATH).toBe("/etc/letsencrypt/renewal-hooks/deploy/slipway-reload-nginx.sh");
    expect(deployHookScript()).toBe(
      [
        "#!/bin/sh",
        "# Installed by slipway: certbot runs this after it renews a certificate.",
        "# A failure is logged: journalctl -t slipway-certbot",
        'what="renewed certificate for ${RENEWED_DOMAINS:-?} not loaded"',
        "if ! out=$(/usr/sbin/nginx -t -q 2>&1); then",
        '  logger -t slipway-certbot -p daemon.err "$what: nginx -t fails: $out"',
        "  printf '%s\\n' \"$out\" >&2",
        "  exit 1",
        "fi",
        "if ! systemctl reload nginx; then",
        '  logger -t slipway-certbot -p daemon.err "$what: systemctl reload nginx failed"',
        "  exit 1",
        "fi",
        "",
      ].join("\n"),
    );
  });

  it("the hook, run with stand-ins: a failing nginx -t is logged with nginx's words and no reload happens", () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-hook-"));
    const record = join(dir, "calls");
    const stub = (name: string, body: string) => {
      writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(dir, name), 0o755);
    };
    stub("logger", `printf 'logger %s\\n' "$*" >> ${record}`);
    stub("systemctl", `printf 'systemctl %s\\n' "$*" >> ${record}`);
    stub("nginx-bad", `echo 'nginx: [emerg] unknown directive "x" in /etc/nginx/a.conf:3' >&2; exit 1`);
    stub("nginx-good", "exit 0");
    const run = (nginx: string) => {
      writeFileSync(record, "");
      writeFileSync(join(dir, "hook"), deployHookScript(join(dir, nginx)));
      const result = spawnSync("sh", [join(dir, "hook")], {
        encoding: "utf8",
        env: { PATH: `${dir}:/usr/bin:/bin`, RENEWED_DOMAINS: "a.example b.example" },
      });
      return { code: result.status, stderr: result.stderr, calls: readFileSync(record, "utf8") };
    };
    expect(run("nginx-bad")).toEqual({
      code: 1,
      stderr: 'nginx: [emerg] unknown directive "x" in /etc/nginx/a.conf:3\n',
      calls:
        'logger -t slipway-certbot -p daemon.err renewed certificate for a.example b.example not loaded: nginx -t fails: nginx: [emerg] unknown directive "x" in /etc/nginx/a.conf:3\n',
    });
    expect(run("nginx-good")).toEqual({ code: 0, stderr: "", calls: "systemctl reload nginx\n" });
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
