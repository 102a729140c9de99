// e2e-targets: t7
/**
 * Every runtime as a deploy user whose only privilege is the helper, on a FRESH target (t7, never bootstrapped in CI):
 * the whole playbooks/bootstrap.yml first (packages, nginx, firewall, the helper and its docker gate), then each app
 * recorded for the helper, then for each runtime: first deploy with a pebble certificate, then (container and
 * compose, whose backups and restores go through the docker gate) update with a backup and rollback with the database
 * restored; systemd's are helper-deploy.test.ts's. The sandbox's NOPASSWD `deploy` user only prepares, reads and
 * cleans up. A t7 an earlier run of this file bootstrapped is accepted (bootstrap converges), never needed.
 * Run under `flock /tmp/slipway-t7.lock`.
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, deploy, rollback } from "../../../src/deploy/index.js";
import { removeApp } from "../../../src/deploy/remove-app.js";
import { HELPER_PATH } from "../../../src/remote/privilege.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { slipway } from "../../support/cli-in-process.js";
import { addDnsRecord } from "../certs/support.js";
import { cleanHost, connectTarget, removeComposeProjects, writeOverlay } from "../deploy/support.js";
import { CLI_ENTRY, loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import {
  asHelperUser,
  bootstrapHelperHost,
  connectAsConfigured,
  connectAsDeployUser,
  DEPLOY_USER,
  forgetApp,
} from "./helper-support.js";

const TARGET = "t7";
const RUN = randomBytes(3).toString("hex");
const CT = "hvct";
const CT_DOMAIN = `hvct-${RUN}.slipway.test`;
const CT_VOLUME = `${CT}-instance`;
const CP = "hvcp";
const CP_DOMAIN = `hvcp-${RUN}.slipway.test`;
const CP_VOLUME = `${CP}-data`;
const SD = "hvsd";
const SD_DOMAIN = `hvsd-${RUN}.slipway.test`;
const COMMIT = randomBytes(20).toString("hex");
const dockerLocal = promisify(execFile);
const address = () => sandboxTarget(TARGET).host;

/** HTTPS through the target's nginx with SNI (from the target itself), verified against nothing: pebble is checked. */
async function https(root: RemoteHost, domain: string, path: string, method = "GET", body?: string) {
  const argv = ["curl", "-sk", "--resolve", `${domain}:443:127.0.0.1`, "-X", method, "-w", "\n%{http_code}"];
  if (body) argv.push("-H", "content-type: application/json", "--data", body);
  const out = (await root.exec([...argv, `https://${domain}${path}`])).stdout;
  const cut = out.lastIndexOf("\n");
  return { status: Number(out.slice(cut + 1)), body: out.slice(0, cut) };
}

/**
 * D33: `slipway remove --purge` as the helper-only user takes everything of the app off the host (checked as root):
 * no unit or nginx file of it, no process, deploy_dir left empty (bootstrap's), nginx still valid.
 */
async function removeAndCheck(root: RemoteHost, config: SlipwayConfig, purge = true): Promise<void> {
  const host = await connectAsConfigured(config);
  try {
    const actions = await removeApp(host, config, { purge });
    const kept = `kept: ${config.deploy_dir} itself, empty (bootstrap made it; helper mode cannot remove it)`;
    if (purge) expect(actions).toContain(kept);
  } finally {
    await host.close();
  }
  const app = config.app;
  const left = await root.exec(
    [
      "sh",
      "-c",
      'ls -d /etc/systemd/system/"$1"-* /etc/nginx/slipway/"$1"-* /etc/nginx/conf.d/slipway-"$1".conf 2>/dev/null; find "$2" -mindepth 1 2>/dev/null',
      "sh",
      app,
      // Without purge the backups stay in deploy_dir, by design.
      purge ? config.deploy_dir : "/nonexistent",
    ],
    { become: true, check: false },
  );
  expect(left.stdout.trim()).toBe("");
  const running = await root.exec(
    ["sh", "-c", `systemctl list-units --no-legend "${app}-*"; docker ps -q --filter label=slipway.app=${app}`],
    { become: true, check: false },
  );
  expect(running.stdout.trim()).toBe("");
  expect((await root.exec(["nginx", "-t"], { become: true, check: false })).code).toBe(0);
}

/**
 * D34, D35: `slipway status` and `slipway logs` as the helper-only user, whose docker and journal reads go through the
 * helper: healthy (containers found, certificate read), log lines and exit 0; `logs -f` ends on Ctrl-C (130) and so
 * does its follower on the host (matched by `follower`, run as root by the helper).
 */
async function statusAndLogs(root: RemoteHost, file: string, follower: string): Promise<void> {
  const status = await slipway("status", "-c", file);
  expect(status.code, `${status.stdout}${status.stderr}`).toBe(0);
  expect(status.stdout.trim().split("\n").at(-1)).toBe("  healthy");
  // The live color's units (marked `*`) were "not found" and the certificate "missing" before.
  expect(status.stdout).toMatch(/\* +(running|active)/);
  expect(status.stdout).not.toMatch(/\* +not found|certificate .*missing/);
  for (const query of [
    ["-n", "5"],
    ["--since", "30m"],
  ]) {
    const logs = await slipway("logs", "-c", file, ...query);
    expect(logs.code, `${logs.stdout}${logs.stderr}`).toBe(0);
    expect(logs.stdout).toMatch(new RegExp(`^${TARGET}[ /]`, "m"));
    expect(logs.stdout).not.toMatch(/permission denied|slipway-(helper|docker): refused/i);
  }
  const child = spawn(process.execPath, [CLI_ENTRY, "logs", "-f", "-c", file], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
      if (output.includes("\n")) resolve();
    });
  });
  const pgrep = () => root.exec(["pgrep", "-f", follower], { check: false });
  expect((await pgrep()).code).toBe(0);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  child.kill("SIGINT");
  expect(await exited).toBe(130);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect((await pgrep()).stdout).toBe("");
}

function tlsFor(): Record<string, unknown> {
  const sandbox = loadSandbox();
  return {
    enabled: true,
    email: "ops@slipway.test",
    acme_server: sandbox.acme.directory,
    ca_bundle: sandbox.acme.targetCaCertPath,
  };
}

function recordVars(domain: string): Record<string, unknown> {
  const sandbox = loadSandbox();
  return {
    app_domains: [domain],
    acme_server: sandbox.acme.directory,
    acme_email: "ops@slipway.test",
    acme_ca_bundle: sandbox.acme.targetCaCertPath,
  };
}

/** Both apps' containers, files and volumes (test set-up and clean-up only, as the sandbox's root-equivalent user). */
async function cleanUp(root: RemoteHost): Promise<void> {
  await cleanHost(root, CT);
  await cleanHost(root, CP);
  await cleanHost(root, SD);
  await removeComposeProjects(root, CP, CP_VOLUME);
  await root.exec(["docker", "volume", "rm", "--force", CT_VOLUME], { become: true, check: false });
  await root.exec(["rm", "-rf", `/var/lib/slipway-gate/${CT}`, `/var/lib/slipway-gate/${CP}`], {
    become: true,
    check: false,
  });
  // A maintenance page a stopped run left on would answer 503 to the next run's verification.
  const pages = [CT, CP, SD].map((app) => `/etc/nginx/slipway/${app}.maintenance.html`);
  await root.exec(["rm", "-f", "--", ...pages], { become: true, check: false });
}

describe("every runtime as the helper-only user on a freshly bootstrapped t7", () => {
  let root: RemoteHost;
  const lines: string[] = [];
  const references: string[] = [];

  beforeAll(async () => {
    const sandbox = loadSandbox();
    root = await connectTarget(TARGET);
    await cleanUp(root);
    await addDnsRecord(sandbox.acme.managementUrl, CT_DOMAIN, address());
    await addDnsRecord(sandbox.acme.managementUrl, CP_DOMAIN, address());
    await addDnsRecord(sandbox.acme.managementUrl, SD_DOMAIN, address());
    // The whole playbook: on CI's t7 nothing of Slipway is there yet. Then one more app recorded for the helper.
    const boot = await bootstrapHelperHost(root, CT, { target: TARGET, vars: recordVars(CT_DOMAIN) });
    const second = await bootstrapHelperHost(root, CP, {
      target: TARGET,
      tags: ["user", "helper", "dirs"],
      vars: recordVars(CP_DOMAIN),
    });
    const third = await bootstrapHelperHost(root, SD, {
      target: TARGET,
      tags: ["user", "helper", "dirs"],
      vars: recordVars(SD_DOMAIN),
    });
    const failed = [...boot.outcomes, ...second.outcomes, ...third.outcomes]
      .filter((o) => o.status === "failed")
      .map((o) => `${o.task}: ${o.msg}`);
    expect(failed).toEqual([]);
  }, 900_000);

  afterAll(async () => {
    if (!root) return;
    await cleanUp(root);
    for (const domain of [CT_DOMAIN, CP_DOMAIN, SD_DOMAIN]) {
      const argv = ["certbot", "delete", "--non-interactive", "--cert-name", domain];
      await root.exec(argv, { become: true, check: false });
    }
    if (references.length > 0) {
      await root.exec(["docker", "image", "rm", "--force", ...references], { become: true, check: false });
      await dockerLocal("docker", ["image", "rm", "--force", ...references]).catch(() => undefined);
    }
    await forgetApp(root, CT);
    await forgetApp(root, CP);
    await forgetApp(root, SD);
    await root.close();
  });

  it("bootstrap left the helper as the one sudo rule, its docker gate root's, and no docker group", async () => {
    const sudoers = await root.exec(["cat", `/etc/sudoers.d/slipway-user-${DEPLOY_USER}`], { become: true });
    const rules = sudoers.stdout.split("\n").filter((l) => l.trim() && !l.startsWith("#"));
    expect(rules).toEqual([`${DEPLOY_USER} ALL=(root) NOPASSWD: ${HELPER_PATH}`]);
    const meta = await root.exec(["stat", "-c", "%U %a", HELPER_PATH, "/usr/local/libexec/slipway/slipway-docker"]);
    expect(meta.stdout.trim().split("\n")).toEqual(["root 755", "root 755"]);
    expect((await root.exec(["id", "-nG", DEPLOY_USER])).stdout.trim()).toBe(DEPLOY_USER);
    const user = await connectAsDeployUser(TARGET);
    try {
      const docker = await user.exec(["docker", "ps"], { check: false });
      expect(docker.code).not.toBe(0);
      expect(docker.stderr).toMatch(/permission denied/i);
    } finally {
      await user.close();
    }
  });

  describe("runtime container (flask-docker, SQLite in a named volume)", () => {
    let config: SlipwayConfig;
    let file = "";
    let v1Images: Record<string, string> = {};
    const base = (): DeployOptions => ({
      config,
      commit: COMMIT,
      actor: "e2e",
      drainSeconds: 1,
      secrets: { SECRET_KEY: "e2e-secret" },
      insecureRegistry: true,
      releaseDir: `${REPO_ROOT}/examples/flask-docker`,
      onEvent: terminalSink((line) => lines.push(line)),
    });
    const get = (path: string) => https(root, CT_DOMAIN, path);
    const version = async () => JSON.parse((await get("/api/health")).body).version;
    const titles = async () => JSON.parse((await get("/api/notes")).body).notes.map((n: { title: string }) => n.title);
    const addNote = (title: string) => https(root, CT_DOMAIN, "/api/notes", "POST", JSON.stringify({ title }));

    beforeAll(async () => {
      file = writeOverlay("flask-docker", {
        app: CT,
        domain: CT_DOMAIN,
        target: TARGET,
        ports: {},
        healthTimeout: "30s",
      });
      const raw = parse(readFileSync(file, "utf8"));
      raw.image.repository = `e2e-${CT}-${RUN}/flask`;
      raw.services.backend.ports = { blue: 5471, green: 15471 };
      raw.services.backend.volumes = [`${CT_VOLUME}:/app/instance`];
      raw.database = { engine: "sqlite", volume: CT_VOLUME, path: "notes.db" };
      writeFileSync(file, stringify(raw));
      config = await loadConfig(asHelperUser(file, tlsFor()));
    });

    // A first deploy builds the images and gets a certificate: vitest's 180 s ran out in CI under load (360 s here).
    it("first deploy: image pulled by digest and run through the gate, certificate from pebble, v1 over HTTPS", async () => {
      const result = await deploy({ ...base(), versionEnv: { APP_VERSION: "v1" } });
      expect(result.ok, `${result.recap}\n${lines.join("\n")}`).toBe(true);
      references.push(result.images.backend as string);
      v1Images = result.images;
      expect(lines.join("\n")).toContain(`privilege: helper (${DEPLOY_USER} runs only ${HELPER_PATH} as root)`);
      expect(await version()).toBe("v1");
      const inspect = await root.exec(
        [
          "docker",
          "inspect",
          "--format",
          "{{json .HostConfig.CapDrop}} {{json .HostConfig.SecurityOpt}}",
          `${CT}-backend-blue`,
        ],
        { become: true },
      );
      expect(inspect.stdout.trim()).toBe('["ALL"] ["no-new-privileges"]');
      const label = await root.exec(
        ["docker", "volume", "inspect", "--format", '{{index .Labels "slipway.app"}}', CT_VOLUME],
        { become: true },
      );
      expect(label.stdout.trim()).toBe(CT);
      expect((await addNote("before-v2")).status).toBe(201);
    }, 360_000);

    it("status and logs (-n, --since, -f) through the helper (D34, D35)", () =>
      statusAndLogs(root, file, `[d]ocker logs .*--follow -- ${CT}-`));

    it("maintenance on, status, off as the helper-only user (D37: every verb refused before)", async () => {
      const on = await slipway("maintenance", "on", "-c", file);
      try {
        expect(on.code, `${on.stdout}${on.stderr}`).toBe(0);
        expect(on.stdout.trim()).toBe(`${TARGET}: maintenance on (changed)`);
        // The health path stays open (load balancers keep the host); the app's pages answer the page.
        const page = await get("/api/notes");
        expect(page.status).toBe(503);
        expect(page.body).toContain("Down for maintenance");
        expect((await slipway("maintenance", "status", "-c", file)).stdout.trim()).toBe(`${TARGET}: maintenance on`);
      } finally {
        const off = await slipway("maintenance", "off", "-c", file);
        expect(off.stdout.trim()).toBe(`${TARGET}: maintenance off (changed)`);
      }
      expect((await get("/api/notes")).status).toBe(200);
    });

    it("update: the SQLite file in the volume is backed up through the gate, then v2 serves", async () => {
      const result = await deploy({ ...base(), images: v1Images, versionEnv: { APP_VERSION: "v2" } });
      expect(result.ok, `${result.recap}\n${lines.join("\n")}`).toBe(true);
      expect(await version()).toBe("v2");
      const history = JSON.parse((await root.readFile(`/opt/${CT}/releases.json`))?.toString() ?? "{}");
      expect(history.releases.at(-1).backup).toMatch(/\S/);
      const owner = await root.exec(["sh", "-c", `stat -c %U /opt/${CT}/backups/*.sqlite3`], { become: true });
      expect(owner.stdout.trim().split("\n")[0]).toBe(DEPLOY_USER);
      expect((await addNote("after-v2")).status).toBe(201);
    });

    it("rollback --restore-db: v1 and its database again", async () => {
      const result = await rollback({
        config,
        actor: "e2e",
        drainSeconds: 1,
        restoreDb: true,
        secrets: { SECRET_KEY: "e2e-secret" },
        onEvent: terminalSink((l) => lines.push(l)),
      });
      expect(result.ok, `${result.recap}\n${lines.join("\n")}`).toBe(true);
      expect(await version()).toBe("v1");
      const names = await titles();
      expect(names).toContain("before-v2");
      expect(names).not.toContain("after-v2");
    });

    it("remove --purge as the helper-only user (D43: both containers left running, then a failed volume rm)", () =>
      removeAndCheck(root, config));
  });

  describe("runtime compose (duckdb-compose, stop-first, DuckDB in a named volume)", () => {
    let config: SlipwayConfig;
    let file = "";
    let v1Images: Record<string, string> = {};
    const base = (): DeployOptions => ({
      config,
      commit: COMMIT,
      actor: "e2e",
      drainSeconds: 1,
      insecureRegistry: true,
      releaseDir: `${REPO_ROOT}/examples/duckdb-compose`,
      onEvent: terminalSink((line) => lines.push(line)),
    });
    const get = (path: string) => https(root, CP_DOMAIN, path);
    const version = async () => JSON.parse((await get("/api/health")).body).version;
    const items = async () => JSON.parse((await get("/api/items")).body).items.map((i: { name: string }) => i.name);
    const addItem = (name: string) => https(root, CP_DOMAIN, "/api/items", "POST", JSON.stringify({ name }));

    beforeAll(async () => {
      file = writeOverlay("duckdb-compose", {
        app: CP,
        domain: CP_DOMAIN,
        target: TARGET,
        ports: {},
        healthTimeout: "30s",
      });
      const raw = parse(readFileSync(file, "utf8"));
      raw.image.repository = `e2e-${CP}-${RUN}/duck`;
      raw.services.backend.ports = { blue: 5481, green: 15481 };
      raw.services.backend.env.DATABASE_PATH = "/app/data/app.db";
      raw.services.backend.volumes = [`${CP_VOLUME}:/app/data`];
      raw.services.frontend.ports = { blue: 5482, green: 15482 };
      raw.database = { engine: "duckdb", volume: CP_VOLUME, path: "app.db", backups: { keep: 2 } };
      writeFileSync(file, stringify(raw));
      config = await loadConfig(asHelperUser(file, tlsFor()));
    });

    // Builds two images and gets a certificate: 360 s, as the container runtime's first deploy.
    it("first deploy: the compose file checked and run by the gate, certificate from pebble, v1 over HTTPS", async () => {
      const result = await deploy({ ...base(), versionEnv: { APP_VERSION: "v1" } });
      expect(result.ok, `${result.recap}\n${lines.join("\n")}`).toBe(true);
      references.push(...Object.values(result.images));
      v1Images = result.images;
      expect(await version()).toBe("v1");
      // What compose ran is the gate's root-owned copy, not the deploy user's file.
      const copy = await root.exec(["stat", "-c", "%U %a", `/var/lib/slipway-gate/${CP}/compose/${CP}-blue.yml`], {
        become: true,
      });
      expect(copy.stdout.trim()).toBe("root 600");
      expect((await addItem("before-v2")).status).toBeLessThan(300);
    }, 360_000);

    it("status and logs (-n, --since, -f) through the helper (D34, D35)", () =>
      statusAndLogs(root, file, "[d]ocker logs .*--follow -- [0-9a-f]{12}"));

    it("update (stop-first): the DuckDB file is copied out of the volume through the gate, then v2 serves", async () => {
      const result = await deploy({ ...base(), images: v1Images, versionEnv: { APP_VERSION: "v2" } });
      expect(result.ok, `${result.recap}\n${lines.join("\n")}`).toBe(true);
      expect(await version()).toBe("v2");
      expect(result.hosts[0]?.backup).toMatch(/\S/);
      expect((await addItem("after-v2")).status).toBeLessThan(300);
    });

    it("rollback --restore-db: v1 and its database again", async () => {
      const result = await rollback({
        config,
        actor: "e2e",
        drainSeconds: 1,
        restoreDb: true,
        onEvent: terminalSink((l) => lines.push(l)),
      });
      expect(result.ok, `${result.recap}\n${lines.join("\n")}`).toBe(true);
      expect(await version()).toBe("v1");
      const names = await items();
      expect(names).toContain("before-v2");
      expect(names).not.toContain("after-v2");
    });

    // Without --purge: the gate tests below need this app's volume.
    it("remove as the helper-only user (D33: half removed before)", () => removeAndCheck(root, config, false));
  });

  describe("runtime systemd (harvest: socket switch, SQLite in the app's data dir)", () => {
    let config: SlipwayConfig;
    let file = "";
    const base = (): DeployOptions => ({
      config,
      commit: COMMIT,
      actor: "e2e",
      releaseDir: `${REPO_ROOT}/examples/harvest`,
      drainSeconds: 1,
      onEvent: terminalSink((line) => lines.push(line)),
    });
    const get = (path: string, method = "GET", body?: string) => https(root, SD_DOMAIN, path, method, body);
    const version = async () => JSON.parse((await get("/api/health")).body).version;
    const crops = async () =>
      JSON.parse((await get("/api/harvests")).body).harvests.map((h: { crop: string }) => h.crop);
    const add = (crop: string) => get("/api/harvests", "POST", JSON.stringify({ crop, kg: 1 }));

    beforeAll(async () => {
      file = writeOverlay("harvest", {
        app: SD,
        domain: SD_DOMAIN,
        target: TARGET,
        ports: { backend: 5391, frontend: 8391 },
        healthTimeout: "30s",
      });
      config = await loadConfig(asHelperUser(file, tlsFor()));
    });

    // The update with a backup and the rollback with the restore through the helper, for this runtime:
    // helper-deploy.test.ts (harvest on a host bootstrapped in helper mode).
    it("first deploy with its certificate, as the helper-only user", async () => {
      const first = await deploy({ ...base(), versionEnv: { APP_VERSION: "v1" } });
      expect(first.ok, `${first.recap}\n${lines.join("\n")}`).toBe(true);
      expect(await version()).toBe("v1");
      expect((await add("first")).status).toBe(201);
      expect(await crops()).toContain("first");
    });

    it("status and logs (-n, --since, -f) through the helper (D34, D35)", () =>
      statusAndLogs(root, file, `[j]ournalctl .*-f -- ${SD}-|[j]ournalctl .*-f -u ${SD}-`));

    it("remove --purge as the helper-only user (D33: `systemctl disable --now` refused before)", () =>
      removeAndCheck(root, config));
  });

  describe("the gate refuses what would give the deploy user root (called directly, as an attacker with its key)", () => {
    let user: RemoteHost;
    const gate = (...args: string[]) => user.exec(["sudo", "-n", HELPER_PATH, "docker", ...args], { check: false });
    const IMG = "busybox@sha256:" + "0".repeat(64);
    const RUN_OK = ["run", "--detach", "--name", `${CT}-x-blue`, "--restart", "no", "--cap-drop", "ALL"];
    const NNP = ["--security-opt", "no-new-privileges"];

    beforeAll(async () => {
      user = await connectAsDeployUser(TARGET);
    });
    afterAll(async () => {
      await user?.close();
    });

    it.each([
      ["--privileged", [...RUN_OK, ...NNP, "--privileged", IMG], /docker run flag '--privileged'/],
      ["host network", [...RUN_OK, ...NNP, "--network", "host", IMG], /--network host/],
      ["host pid", [...RUN_OK, ...NNP, "--pid", "host", IMG], /flag '--pid'/],
      ["a device", [...RUN_OK, ...NNP, "--device", "/dev/sda", IMG], /flag '--device'/],
      ["the docker socket", [...RUN_OK, ...NNP, "--volume", "/var/run/docker.sock:/s", IMG], /bind mount/],
      ["/etc", [...RUN_OK, ...NNP, "--volume", "/etc:/host-etc", IMG], /bind mount/],
      ["no cap-drop", ["run", "--detach", "--name", `${CT}-x-blue`, ...NNP, IMG], /--cap-drop ALL/],
      ["SYS_ADMIN", [...RUN_OK, "--cap-add", "SYS_ADMIN", ...NNP, IMG], /capability SYS_ADMIN/],
      [
        "another app's name",
        ["run", "--detach", "--name", `${CP}-x-blue`, "--cap-drop", "ALL", ...NNP, IMG],
        /must start with/,
      ],
      ["an env file outside env/", [...RUN_OK, ...NNP, "--env-file", "/etc/shadow", IMG], /not under/],
    ])("docker run with %s", async (_what, args, message) => {
      const result = await gate(CT, ...(args as string[]));
      expect(result.code).toBe(64);
      expect(result.stderr).toMatch(message as RegExp);
    });

    it("another app's containers and volumes, docker exec into them, raw inspect formats, other verbs", async () => {
      expect((await gate(CT, "exec", "-i", `${CP}-blue_backend_1`, "id")).stderr).toMatch(/refused/);
      expect((await gate(CT, "volume", "rm", "--force", "--", CP_VOLUME)).stderr).toMatch(/not hvct's/);
      const env = await gate(CT, "inspect", "--format", "{{json .Config.Env}}", `${CT}-backend-blue`);
      expect(env.stderr).toMatch(/Slipway's formats/);
      expect((await gate(CT, "system", "prune", "-af")).stderr).toMatch(/refused: docker system/);
      expect((await gate("nosuchapp", "ps")).code).not.toBe(0);
    });

    it("a compose file that asks for the host is refused after `compose config`, before anything runs", async () => {
      const file = `/opt/${CT}/evil.yml`;
      const yaml = `services:\n  x:\n    image: ${IMG}\n    privileged: true\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges:true]\n`;
      await user.exec(["sh", "-c", 'cat > "$1"', "sh", file], { stdin: yaml });
      const result = await gate(
        CT,
        "compose",
        "v1",
        "-p",
        `${CT}-blue`,
        "-f",
        file,
        "up",
        "--detach",
        "--remove-orphans",
      );
      expect(result.code).toBe(64);
      expect(result.stderr).toMatch(/refused: service x: privileged/);
      const mount = yaml.replace("privileged: true", "volumes: ['/:/host']");
      await user.exec(["sh", "-c", 'cat > "$1"', "sh", file], { stdin: mount });
      const bind = await gate(
        CT,
        "compose",
        "v1",
        "-p",
        `${CT}-blue`,
        "-f",
        file,
        "up",
        "--detach",
        "--remove-orphans",
      );
      expect(bind.stderr).toMatch(/bind mount of '\/'/);
      await user.exec(["rm", "-f", file]);
    });
  });
});
