/**
 * A deploy user that is not root (t2): `slipdeploy`, made by playbooks/bootstrap.yml in helper mode, whose only sudo
 * rule is the privilege helper and who is in no docker group, deploys harvest (runtime systemd, the socket switch,
 * TLS from pebble): first deploy, the certificate, an update with a backup (verified over HTTPS), rollback with the
 * database restored. Nothing here uses the sandbox's NOPASSWD `deploy` user but set-up, clean-up and reading what is on
 * the host. Runtimes container and compose in helper mode (through the helper's docker gate), on a fresh target:
 * helper-runtimes.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureCertificates } from "../../../src/certs/index.js";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, deploy, rollback } from "../../../src/deploy/index.js";
import { HELPER_PATH } from "../../../src/remote/privilege.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { addDnsRecord } from "../certs/support.js";
import { cleanHost, connectTarget, writeOverlay } from "../deploy/support.js";
import { loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import {
  asHelperUser,
  bootstrapHelperUser,
  connectAsConfigured,
  connectAsDeployUser,
  DEPLOY_USER,
  forgetApp,
  TARGET,
} from "./helper-support.js";

const APP = "hvpriv";
const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
const DOMAIN = `hvpriv-${stamp}.slipway.test`;
const COMMIT = "89abcdef0123456789abcdef0123456789abcdef";
const address = () => sandboxTarget(TARGET).host;

describe("deploy as a user whose only privilege is the helper (harvest on t2: socket switch, TLS)", () => {
  let root: RemoteHost;
  let config: SlipwayConfig;
  const lines: string[] = [];
  const base = (): DeployOptions => ({
    config,
    commit: COMMIT,
    actor: "e2e",
    releaseDir: `${REPO_ROOT}/examples/harvest`,
    drainSeconds: 1,
    onEvent: terminalSink((line) => lines.push(line)),
  });
  /** What users get: HTTPS with SNI once the certificate exists (port 80 then redirects), HTTP before; from the host. */
  const https = async (path: string, method = "GET", body?: string) => {
    const scheme = tlsOn ? "https" : "http";
    const port = tlsOn ? 443 : 80;
    const argv = ["curl", "-sk", "--resolve", `${DOMAIN}:${port}:127.0.0.1`, "-X", method, "-w", "\n%{http_code}"];
    if (body) argv.push("-H", "content-type: application/json", "--data", body);
    const out = (await root.exec([...argv, `${scheme}://${DOMAIN}${path}`])).stdout;
    const cut = out.lastIndexOf("\n");
    return { status: Number(out.slice(cut + 1)), body: out.slice(0, cut) };
  };
  let tlsOn = false;
  const version = async () => JSON.parse((await https("/api/health")).body).version;
  const crops = async () =>
    JSON.parse((await https("/api/harvests")).body).harvests.map((h: { crop: string }) => h.crop);
  const add = (crop: string) => https("/api/harvests", "POST", JSON.stringify({ crop, kg: 1 }));
  const linkOf = async (service: string) =>
    (await root.exec(["readlink", `/etc/nginx/slipway/${APP}-${service}.sock`], { check: false })).stdout.trim();

  beforeAll(async () => {
    const sandbox = loadSandbox();
    root = await connectTarget(TARGET);
    await cleanHost(root, APP);
    await addDnsRecord(sandbox.acme.managementUrl, DOMAIN, address());
    const boot = await bootstrapHelperUser(root, APP, {
      app_domains: [DOMAIN],
      acme_server: sandbox.acme.directory,
      acme_email: "ops@slipway.test",
      acme_ca_bundle: sandbox.acme.targetCaCertPath,
    });
    const failed = boot.outcomes.filter((o) => o.status === "failed").map((o) => `${o.task}: ${o.msg}`);
    expect(failed).toEqual([]);
    const file = writeOverlay("harvest", {
      app: APP,
      domain: DOMAIN,
      target: TARGET,
      ports: { backend: 5311, frontend: 8361 },
      healthTimeout: "20s",
    });
    const tls = {
      enabled: true,
      email: "ops@slipway.test",
      acme_server: sandbox.acme.directory,
      ca_bundle: sandbox.acme.targetCaCertPath,
    };
    config = await loadConfig(asHelperUser(file, tls));
    expect(config.proxy.switch).toBe("socket");
  }, 180_000);

  afterAll(async () => {
    await cleanHost(root, APP);
    await root.exec(["certbot", "delete", "--non-interactive", "--cert-name", DOMAIN], { become: true, check: false });
    await forgetApp(root, APP);
    await root.close();
  });

  it("bootstrap left one sudoers rule, the helper, valid for visudo; no docker group", async () => {
    const sudoers = await root.exec(["cat", `/etc/sudoers.d/slipway-user-${DEPLOY_USER}`], { become: true });
    const rules = sudoers.stdout.split("\n").filter((l) => l.trim() && !l.startsWith("#"));
    expect(rules).toEqual([`${DEPLOY_USER} ALL=(root) NOPASSWD: ${HELPER_PATH}`]);
    expect((await root.exec(["visudo", "-c"], { become: true, check: false })).code).toBe(0);
    const listed = await root.exec(["sudo", "-l", "-U", DEPLOY_USER], { become: true });
    expect(listed.stdout).toContain(`(root) NOPASSWD: ${HELPER_PATH}`);
    expect(listed.stdout).not.toMatch(/NOPASSWD: ALL/);
    const meta = await root.exec(["stat", "-c", "%U %a", HELPER_PATH, "/usr/local/libexec/slipway"]);
    expect(meta.stdout.trim().split("\n")).toEqual(["root 755", "root 755"]);
    expect((await root.exec(["id", "-nG", DEPLOY_USER])).stdout.trim()).toBe(DEPLOY_USER);
  });

  it("first deploy obtains the certificate from pebble through the helper and serves v1 over HTTPS", async () => {
    const result = await deploy({ ...base(), versionEnv: { APP_VERSION: "v1" } });
    expect(result.ok, `${result.recap}\n${lines.join("\n")}`).toBe(true);
    tlsOn = true;
    expect(await version()).toBe("v1");
    expect(lines.join("\n")).toContain(`privilege: helper (${DEPLOY_USER} runs only ${HELPER_PATH} as root)`);
    const issuer = await root.exec(
      ["openssl", "x509", "-noout", "-issuer", "-in", `/etc/letsencrypt/live/${DOMAIN}/fullchain.pem`],
      { become: true },
    );
    expect(issuer.stdout).toMatch(/Pebble/i);
    expect(await linkOf("backend")).toBe(`/run/slipway/${APP}-backend-blue.sock`);
    expect((await add("before-v2")).status).toBe(201);
    const owner = await root.exec(["stat", "-c", "%U", `/var/lib/${APP}/app.db`], { become: true });
    expect(owner.stdout.trim()).toBe(`app-${APP}`);
  });

  it("the certificate step as the helper user: nothing to do, renewal's hook and timer are bootstrap's", async () => {
    const host = await connectAsConfigured(config);
    try {
      const report = await ensureCertificates(host, config, { become: true, check: false });
      expect(report.actions, report.certificate).toEqual([]);
      expect(report.certificate).toMatch(/^valid until/);
    } finally {
      await host.close();
    }
    const hook = await root.exec([
      "stat",
      "-c",
      "%U %a",
      "/etc/letsencrypt/renewal-hooks/deploy/slipway-reload-nginx.sh",
    ]);
    expect(hook.stdout.trim()).toBe("root 755");
  });

  it("plan (check mode) as the helper user reads everything it needs and changes nothing", async () => {
    const plan = await deploy({ ...base(), check: true, versionEnv: { APP_VERSION: "v2" } });
    expect(plan.ok, `${plan.recap}\n${lines.join("\n")}`).toBe(true);
    expect(await version()).toBe("v1");
    expect(await linkOf("backend")).toBe(`/run/slipway/${APP}-backend-blue.sock`);
  });

  it("an update backs the database up, then serves v2 (verified over HTTPS, switched by the helper's links)", async () => {
    const result = await deploy({ ...base(), versionEnv: { APP_VERSION: "v2" } });
    expect(result.ok, `${result.recap}\n${lines.join("\n")}`).toBe(true);
    expect(await version()).toBe("v2");
    const history = JSON.parse((await root.readFile(`/opt/${APP}/releases.json`))?.toString() ?? "{}");
    expect(history.releases.at(-1).backup).toMatch(/\S/);
    const backups = await root.exec(["sh", "-c", `ls /opt/${APP}/backups/*.sqlite3`], { become: true });
    expect(backups.stdout).toMatch(/\.sqlite3/);
    expect((await add("after-v2")).status).toBe(201);
    expect(await linkOf("backend")).toBe(`/run/slipway/${APP}-backend-green.sock`);
  });

  it("rollback --restore-db goes back to v1 and its database", async () => {
    const result = await rollback({
      config,
      actor: "e2e",
      drainSeconds: 1,
      restoreDb: true,
      onEvent: terminalSink((l) => lines.push(l)),
    });
    expect(result.ok, `${result.recap}\n${lines.join("\n")}`).toBe(true);
    expect(await version()).toBe("v1");
    expect(await linkOf("backend")).toBe(`/run/slipway/${APP}-backend-blue.sock`);
    const names = await crops();
    expect(names).toContain("before-v2");
    expect(names).not.toContain("after-v2");
  });

  it("the deploy user itself holds no root: sudo of anything but the helper and the docker socket are refused", async () => {
    const user = await connectAsDeployUser();
    try {
      const sudo = await user.exec(["sudo", "-n", "true"], { check: false });
      expect(sudo.code).not.toBe(0);
      const shell = await user.exec(["sudo", "-n", "/bin/sh", "-c", "id"], { check: false });
      expect(shell.code).not.toBe(0);
      const docker = await user.exec(["docker", "ps"], { check: false });
      expect(docker.code).not.toBe(0);
      expect(docker.stderr).toMatch(/permission denied/i);
    } finally {
      await user.close();
    }
  });
});
