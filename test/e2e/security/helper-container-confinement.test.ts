// e2e-targets: t7
/**
 * What code inside a CONTAINER app deployed in helper mode can reach (t7): the test-only probe app (a route that runs
 * a shell command) in a container, deployed by `slipdeploy` through the helper's docker gate. From inside: the docker
 * socket (not mounted, and not reachable by path), sudo and the helper, writes outside its writable paths (read-only
 * root) and another app's env file are all refused; the process has no capability and no_new_privs.
 * Bootstraps t7 itself (the whole playbook: it converges on a t7 an earlier run prepared). Run under
 * `flock /tmp/slipway-t7.lock`.
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
import { bootstrapHelperHost, DEPLOY_USER, forgetApp } from "./helper-support.js";

const TARGET = "t7";
const APP = "hvpc";
const OTHER = "hvpd";
const OTHER_SECRET = "hvpd-Zk3secret-value";
const DOMAIN = `${APP}.e2e.test`;
const address = () => sandboxTarget(TARGET).host;

const DOCKERFILE = `FROM slipway-base:latest
WORKDIR /app
COPY probe.py /app/probe.py
ENV PYTHONDONTWRITEBYTECODE=1
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "1", "probe:app"]
`;

/** The other app's env file on the host, with a secret in it (what the container must not read). */
async function plantOtherApp(root: RemoteHost): Promise<void> {
  const script = `install -d -m 0700 -o ${DEPLOY_USER} /opt/${OTHER}/env && printf 'SECRET=%s\\n' "$1" > /opt/${OTHER}/env/web-blue.env && chown ${DEPLOY_USER} /opt/${OTHER}/env/web-blue.env && chmod 600 /opt/${OTHER}/env/web-blue.env`;
  await root.exec(["sh", "-c", script, "sh", OTHER_SECRET], { become: true });
}

async function deployProbe(dir: string): Promise<void> {
  const inventory = loadSandbox();
  const app = join(dir, APP);
  cpSync(join(process.cwd(), "test/fixtures/apps/probe"), join(app, "probe"), { recursive: true });
  writeFileSync(join(app, "probe", "Dockerfile"), DOCKERFILE);
  const config = {
    app: APP,
    runtime: "container",
    image: { registry: inventory.registry, repository: `e2e-${APP}-${Date.now().toString(36)}/probe` },
    services: {
      probe: {
        build: { context: "probe" },
        port: 8000,
        ports: { blue: 5495, green: 15495 },
        health: { path: "/health", timeout: "30s", interval: "1s" },
        secrets: ["PROBE_SECRET"],
        container: { read_only: true },
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
      switch: "reload",
      domains: [DOMAIN],
      routes: [{ path: "/", service: "probe", check: { path: "/health" } }],
    },
  };
  const file = join(app, "slipway.yml");
  writeFileSync(file, stringify(config));
  const result = await deploy({
    config: await loadConfig(file),
    secrets: { PROBE_SECRET: "hvpc-own-secret" },
    drainSeconds: 0,
    insecureRegistry: true,
    releaseDir: app,
    commit: "0123456789abcdef0123456789abcdef01234567",
    actor: "e2e",
  });
  expect(result.ok, result.recap).toBe(true);
}

/** Runs `cmd` inside the container app (through nginx and the probe's /run route). */
async function inApp(cmd: string): Promise<{ code: number; output: string }> {
  const answer = await viaNginx(address(), DOMAIN, `/run?cmd=${encodeURIComponent(cmd)}`);
  expect(answer.status, answer.body).toBe(200);
  return JSON.parse(answer.body);
}

const DOCKER_SOCKET = (path: string) =>
  `python3 -c "import socket; s = socket.socket(socket.AF_UNIX); s.connect('${path}'); s.sendall(b'GET /version HTTP/1.0\\r\\n\\r\\n'); print(s.recv(200))"`;

describe("a container app deployed in helper mode cannot reach root", () => {
  let root: RemoteHost;

  beforeAll(async () => {
    root = await connectTarget(TARGET);
    await cleanHost(root, APP);
    const boot = await bootstrapHelperHost(root, APP, { target: TARGET });
    expect(boot.outcomes.filter((o) => o.status === "failed").map((o) => o.msg)).toEqual([]);
    await plantOtherApp(root);
    await deployProbe(mkdtempSync(join(tmpdir(), "slipway-helper-ct-confine-")));
  }, 600_000);

  afterAll(async () => {
    if (!root) return;
    await cleanHost(root, APP);
    await root.exec(["rm", "-rf", `/opt/${OTHER}`, `/var/lib/slipway-gate/${APP}`], { become: true, check: false });
    await forgetApp(root, APP);
    await root.close();
  });

  it("runs with no capability and no_new_privs (the gate's --cap-drop ALL and no-new-privileges)", async () => {
    const status = await inApp("grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status");
    expect(status.output.replace(/\s+/g, " ").trim()).toBe(
      "CapEff: 0000000000000000 CapBnd: 0000000000000000 NoNewPrivs: 1",
    );
  });

  it("cannot connect to the docker socket", async () => {
    const outside = await root.exec(["sh", "-c", DOCKER_SOCKET("/var/run/docker.sock")], { check: false });
    expect(outside.stdout).toContain("HTTP/1.");
    for (const path of ["/var/run/docker.sock", "/run/docker.sock"]) {
      const probe = await inApp(DOCKER_SOCKET(path));
      expect(probe.code, `${path}: ${probe.output}`).not.toBe(0);
      expect(probe.output).not.toContain("HTTP/1.");
    }
  });

  it("cannot use sudo, not even the helper", async () => {
    for (const cmd of ["sudo -n true", `sudo -n ${HELPER_PATH} version`, `${HELPER_PATH} docker ${APP} ps`]) {
      const run = await inApp(`${cmd}; echo exit=$?`);
      expect(run.output, cmd).not.toContain("exit=0");
    }
  });

  it("cannot write outside its writable paths (read-only root; /tmp only)", async () => {
    for (const path of ["/etc/x", "/app/x", "/x", "/usr/local/bin/x", `/opt/${APP}/x`]) {
      const write = await inApp(`echo x > ${path}`);
      expect(write.code, `${path}: ${write.output}`).not.toBe(0);
    }
    expect((await inApp("echo x > /tmp/x && cat /tmp/x")).code).toBe(0);
  });

  it("cannot read another app's env file (nor its own on the host)", async () => {
    const env = await root.exec(["cat", `/opt/${OTHER}/env/web-blue.env`], { become: true });
    expect(env.stdout).toContain(OTHER_SECRET);
    for (const cmd of [`cat /opt/${OTHER}/env/web-blue.env`, `cat /opt/${APP}/env/*.env`]) {
      const read = await inApp(cmd);
      expect(read.code, cmd).not.toBe(0);
      expect(read.output).not.toContain(OTHER_SECRET);
    }
  });
});
