/**
 * What code inside an app deployed in helper mode can reach (t2): two copies of the test-only probe app (a route that
 * runs a shell command as the app), deployed by `slipdeploy`, whose only sudo rule is the helper. From inside each:
 * the docker socket, sudo (also the helper), writing outside its writable paths and reading the other app's env file
 * are all refused.
 */
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadConfig } from "../../../src/config/index.js";
import { deploy } from "../../../src/deploy/index.js";
import { HELPER_PATH } from "../../../src/remote/privilege.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { cleanHost, viaNginx } from "../deploy/support.js";
import { connectTarget, loadSandbox, sandboxTarget } from "../support/sandbox.js";
import { bootstrapHelperUser, DEPLOY_USER, forgetApp, TARGET } from "./helper-support.js";

const A = "hvpa";
const B = "hvpb";
const B_SECRET = "hvpb-Qx7secret-value";
const address = () => sandboxTarget(TARGET).host;

async function deployProbe(dir: string, app: string, port: number) {
  const inventory = loadSandbox();
  cpSync(join(dir, "probe-src"), join(dir, app, "probe"), { recursive: true });
  const file = join(dir, app, "slipway.yml");
  const config = {
    app,
    runtime: "systemd",
    services: {
      probe: {
        build: { context: "probe" },
        port,
        health: { path: "/health", timeout: "15s", interval: "1s" },
        secrets: ["PROBE_SECRET"],
        systemd: { server: "gunicorn", app_module: "probe:app", workers: 1 },
      },
    },
    inventory: {
      ssh: {
        user: DEPLOY_USER,
        privilege: "helper",
        known_hosts_file: inventory.knownHostsPath,
        identity_file: inventory.privateKeyPath,
      },
      hosts: { [TARGET]: { address: address() } },
    },
    proxy: {
      mode: "nginx",
      domains: [`${app}.e2e.test`],
      routes: [{ path: "/", service: "probe", check: { path: "/health" } }],
    },
  };
  writeFileSync(file, stringify(config));
  const secret = app === B ? B_SECRET : "hvpa-own-secret";
  const result = await deploy({ config: await loadConfig(file), secrets: { PROBE_SECRET: secret }, drainSeconds: 0 });
  expect(result.ok, result.recap).toBe(true);
}

/** Runs `cmd` inside the app (through nginx and the probe's /run route). */
async function inApp(app: string, cmd: string): Promise<{ code: number; output: string }> {
  const answer = await viaNginx(address(), `${app}.e2e.test`, `/run?cmd=${encodeURIComponent(cmd)}`);
  expect(answer.status, answer.body).toBe(200);
  return JSON.parse(answer.body);
}

const DOCKER_SOCKET = (path: string) =>
  `python3 -c "import socket; s = socket.socket(socket.AF_UNIX); s.connect('${path}'); s.sendall(b'GET /version HTTP/1.0\\r\\n\\r\\n'); print(s.recv(200))"`;

describe("an app deployed in helper mode cannot reach root", () => {
  let root: RemoteHost;

  beforeAll(async () => {
    root = await connectTarget(TARGET);
    const dir = mkdtempSync(join(tmpdir(), "slipway-helper-confine-"));
    cpSync(join(process.cwd(), "test/fixtures/apps/probe"), join(dir, "probe-src"), { recursive: true });
    for (const [app, port] of [
      [A, 5491],
      [B, 5492],
    ] as const) {
      await cleanHost(root, app);
      const boot = await bootstrapHelperUser(root, app);
      expect(boot.outcomes.filter((o) => o.status === "failed").map((o) => o.msg)).toEqual([]);
      await deployProbe(dir, app, port);
    }
  }, 240_000);

  afterAll(async () => {
    for (const app of [A, B]) {
      await cleanHost(root, app);
      await forgetApp(root, app);
    }
    await root.close();
  });

  it("runs as its own system user, in no group but its own", async () => {
    const id = await inApp(A, "id");
    expect(id.output.trim()).toMatch(/^uid=\d+\(app-hvpa\) gid=\d+\(app-hvpa\) groups=\d+\(app-hvpa\)$/);
  });

  it("cannot connect to the docker socket", async () => {
    const outside = await root.exec(["sh", "-c", DOCKER_SOCKET("/var/run/docker.sock")], { check: false });
    expect(outside.stdout).toContain("HTTP/1.");
    for (const path of ["/var/run/docker.sock", "/run/docker.sock"]) {
      const probe = await inApp(A, DOCKER_SOCKET(path));
      expect(probe.code, `${path}: ${probe.output}`).not.toBe(0);
      expect(probe.output).not.toContain("HTTP/1.");
    }
  });

  it("cannot use sudo, not even the helper", async () => {
    for (const cmd of [
      "sudo -n true",
      `sudo -n ${HELPER_PATH} version`,
      `${HELPER_PATH} unit restart ${B}-probe@blue`,
    ]) {
      const run = await inApp(A, `${cmd}; echo exit=$?`);
      expect(run.output, cmd).not.toContain("exit=0");
    }
  });

  it("cannot write outside its writable paths", async () => {
    const targets = [
      "/etc/hvpa-x",
      `/opt/${A}/x`,
      "./x",
      "/var/lib/hvpa-x",
      `/home/${DEPLOY_USER}/x`,
      "/etc/systemd/system/x",
      "/etc/nginx/slipway/x",
    ];
    for (const path of targets) {
      const write = await inApp(A, `echo x > ${path}`);
      expect(write.code, `${path}: ${write.output}`).not.toBe(0);
    }
  });

  it("cannot read another app's env file", async () => {
    const envFiles = await root.exec(["sh", "-c", `ls /opt/${B}/env/`], { become: true });
    expect(envFiles.stdout).toMatch(/probe-(blue|green)\.env/);
    const read = await inApp(A, `cat /opt/${B}/env/*.env`);
    expect(read.code).not.toBe(0);
    expect(read.output).not.toContain(B_SECRET);
  });
});
