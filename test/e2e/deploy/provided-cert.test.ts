/**
 * D78 on sandbox target t8: `tls.certificate_path`/`key_path` naming a certificate you provide. Missing files, or a
 * key of another certificate, refuse `slipway deploy` at preflight (exit != 0, host, step, the path, what to do) before
 * anything is on the host; the right pair deploys the HTTPS site; `status` reports the certificate, and once its file
 * is gone, a problem (exit 2).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT } from "../support/sandbox.js";
import { runCli } from "./fault-support.js";
import { cleanHost, connectTarget, writeOverlay } from "./support.js";

const APP = "provcert";
const DOMAIN = "provcert.e2e.test";
const DIR = `/etc/ssl/${APP}`;
const env = { SECRET_KEY: "e2e" };

function config(certificate: string, key: string): string {
  const file = writeOverlay("harvest", {
    app: APP,
    domain: DOMAIN,
    target: "t8",
    ports: { backend: 5393, frontend: 8393 },
    healthTimeout: "20s",
  });
  const yaml = parse(readFileSync(file, "utf8"));
  yaml.tls = { enabled: true, certificate_path: certificate, key_path: key };
  writeFileSync(file, stringify(yaml));
  return file;
}

const deploy = (file: string) =>
  runCli(["deploy", "-c", file, "--yes", "--release-dir", `${REPO_ROOT}/examples/harvest`], env);

describe("a provided certificate (D78, t8)", () => {
  let host: RemoteHost;

  beforeAll(async () => {
    host = await connectTarget("t8");
    await cleanHost(host, APP);
    const script = [
      `rm -rf ${DIR} && mkdir -p ${DIR} && cd ${DIR}`,
      `openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=${DOMAIN} -keyout site.key -out site.pem 2>/dev/null`,
      "openssl genpkey -algorithm RSA -out other.key 2>/dev/null",
      "chmod 600 site.key other.key",
    ].join("\n");
    await host.exec(["sh", "-c", script], { become: true });
  }, 120_000);

  afterAll(async () => {
    await cleanHost(host, APP);
    await host.exec(["rm", "-rf", "--", DIR], { become: true, check: false });
    await host.close();
  });

  it("missing files: deploy refused at preflight naming both paths; nothing on the host", async () => {
    const run = await deploy(config(`${DIR}/missing.pem`, `${DIR}/missing.key`));
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toContain(
      `tls.certificate_path ${DIR}/missing.pem and tls.key_path ${DIR}/missing.key do not exist or cannot be read on t8: the site would have no HTTPS`,
    );
    expect(run.output).toMatch(/preflight/);
    expect(run.output).toContain("nothing was changed");
    expect((await host.exec(["test", "-e", `/opt/${APP}/releases.json`], { check: false })).code).not.toBe(0);
  }, 180_000);

  it("the key of another certificate: refused at preflight (openssl compares the public keys)", async () => {
    const run = await deploy(config(`${DIR}/site.pem`, `${DIR}/other.key`));
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toContain(
      `tls.key_path ${DIR}/other.key is not the key of tls.certificate_path ${DIR}/site.pem`,
    );
  }, 180_000);

  it("the right pair: HTTPS served; status shows it, and a problem once the file is gone", async () => {
    const file = config(`${DIR}/site.pem`, `${DIR}/site.key`);
    const run = await deploy(file);
    expect(run.code, run.output).toBe(0);
    const https = await host.exec(
      [
        "curl",
        "-sk",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "--resolve",
        `${DOMAIN}:443:127.0.0.1`,
        `https://${DOMAIN}/`,
      ],
      { check: false },
    );
    expect(https.stdout).toBe("200");
    const ok = await runCli(["status", "-c", file], env);
    expect(ok.output).toContain(`certificate ${DIR}/site.pem: valid`);
    await host.exec(["mv", `${DIR}/site.pem`, `${DIR}/site.pem.away`], { become: true });
    try {
      const gone = await runCli(["status", "-c", file], env);
      expect(gone.code, gone.output).toBe(2);
      expect(gone.output).toContain("certificate missing");
    } finally {
      await host.exec(["mv", `${DIR}/site.pem.away`, `${DIR}/site.pem`], { become: true });
    }
  }, 400_000);
});
