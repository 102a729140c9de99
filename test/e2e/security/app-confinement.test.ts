/**
 * What code running inside a deployed app can reach (runtime systemd, t1): two copies of the test-only probe app, each
 * with a route that runs a shell command as the app. "confa" runs as its default user (app-confa); "confb" is
 * configured to run as the SSH user `deploy` (in the docker group, with sudo) to prove the unit's own walls hold even
 * then. Refused: the docker socket, sudo, writing outside the writable paths, reading another app's env file.
 */
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadConfig } from "../../../src/config/index.js";
import { deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { cleanHost, viaNginx } from "../deploy/support.js";
import { connectTarget, loadSandbox, sandboxTarget } from "../support/sandbox.js";

const A = "confa";
const B = "confb";
const B_SECRET = "confb-MKz9secret-value";
const address = () => sandboxTarget("t1").host;

async function deployProbe(dir: string, app: string, port: number, user?: string) {
  const inventory = loadSandbox();
  const target = sandboxTarget("t1", inventory);
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
        systemd: { server: "gunicorn", app_module: "probe:app", workers: 1, ...(user ? { user } : {}) },
      },
    },
    inventory: {
      ssh: { user: target.user, known_hosts_file: inventory.knownHostsPath, identity_file: inventory.privateKeyPath },
      hosts: { t1: { address: target.host } },
    },
    proxy: {
      mode: "nginx",
      domains: [`${app}.e2e.test`],
      routes: [{ path: "/", service: "probe", check: { path: "/health" } }],
    },
  };
  writeFileSync(file, stringify(config));
  const secret = app === B ? B_SECRET : "confa-own-secret";
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

describe("an app cannot reach root", () => {
  let host: RemoteHost;

  beforeAll(async () => {
    host = await connectTarget("t1");
    for (const app of [A, B]) await cleanHost(host, app);
    const dir = mkdtempSync(join(tmpdir(), "slipway-confine-"));
    cpSync(join(process.cwd(), "test/fixtures/apps/probe"), join(dir, "probe-src"), { recursive: true });
    await deployProbe(dir, B, 5482, "deploy");
    await deployProbe(dir, A, 5481);
  });

  afterAll(async () => {
    for (const app of [A, B]) await cleanHost(host, app);
    await host.close();
  });

  it("runs as its own system user, in no group but its own, with a shell that works", async () => {
    const id = await inApp(A, "id");
    expect(id.code).toBe(0);
    expect(id.output.trim()).toMatch(/^uid=\d+\(app-confa\) gid=\d+\(app-confa\) groups=\d+\(app-confa\)$/);
    expect((await inApp(A, "touch /tmp/ok && echo written")).output).toContain("written");
  });

  it("cannot connect to the docker socket, even as the docker-group SSH user", async () => {
    // The socket really is there and answers the SSH user outside the unit: the refusals below are the unit's doing.
    const outside = await host.exec(["sh", "-c", DOCKER_SOCKET("/var/run/docker.sock")], { check: false });
    expect(outside.stdout).toContain("HTTP/1.");
    for (const app of [A, B]) {
      for (const path of ["/var/run/docker.sock", "/run/docker.sock"]) {
        const probe = await inApp(app, DOCKER_SOCKET(path));
        expect(probe.code, `${app} ${path}: ${probe.output}`).not.toBe(0);
        expect(probe.output).not.toContain("HTTP/1.");
      }
    }
    expect((await inApp(B, "id")).output).toContain("(docker)");
  });

  it("cannot use sudo, even as the SSH user who has it", async () => {
    for (const app of [A, B]) {
      const sudo = await inApp(app, "sudo -n true; echo exit=$?");
      expect(sudo.output, app).not.toContain("exit=0");
    }
  });

  // /tmp and /var/tmp are writable but private to the unit (PrivateTmp).
  it("cannot write outside its writable paths (not even its own code)", async () => {
    const targets = ["/etc/confine-x", `/opt/${A}/confine-x`, "./confine-x", "/var/lib/confine-x", "/home/deploy/x"];
    for (const path of targets) {
      const write = await inApp(A, `echo x > ${path}`);
      expect(write.code, `${path}: ${write.output}`).not.toBe(0);
    }
  });

  it("cannot read another app's env file", async () => {
    const envFiles = await host.exec(["sh", "-c", `ls /opt/${B}/env/`], { become: true });
    expect(envFiles.stdout).toMatch(/probe-(blue|green)\.env/);
    const read = await inApp(A, `cat /opt/${B}/env/*.env`);
    expect(read.code).not.toBe(0);
    expect(read.output).not.toContain(B_SECRET);
  });
});
