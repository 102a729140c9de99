/**
 * Issue 11 / seed 004 ("MongoDB, Redis ... Docker recommended"), a tester's config: a Postgres server beside a
 * blue-green compose app. Marked `accessory: true`, it runs once in its own project on sandbox target t2 (image built
 * from Debian's packages, pushed to the sandbox registry): two blue-green deploys switch the app's colors while the
 * same Postgres container keeps running with its data, each color reaches it by its service name, and the second
 * deploy's backup dumps it from that container. A worker runs the web image with its own command (`image_from`);
 * nginx serves static files shipped with the release (`proxy.static.source`); the web reads a JSON config file
 * rendered from a template with a secret (`files`). `slipway remove` then takes the app off and keeps the server, its
 * volume and the backups; `--purge` removes those too. `slipway plan` (no build) names the accessory's build; a changed
 * env of the accessory recreates it (its data kept), the same config leaves it alone.
 */

import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, deploy } from "../../../src/deploy/index.js";
import { removeApp } from "../../../src/deploy/remove-app.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { runCli } from "./fault-support.js";
import { cleanHost, connectTarget, removeTestImages, viaNginx } from "./support.js";

const APP = "accdeploy";
const DOMAIN = "accdeploy.e2e.test";
const VOLUME = `${APP}-pgdata`;
const RUN = randomBytes(4).toString("hex");
const PASSWORD = `pa$word 'q' ${RUN}`;
const TOKEN = `to"k\\en $HOME ${RUN}`;
const address = () => sandboxTarget("t2").host;

/** The config; `dbEnv` adds plain env values to the accessory (a change that must recreate it). */
function writeConfig(dbEnv: Record<string, string> = {}): string {
  const sandbox = loadSandbox();
  const target = sandboxTarget("t2", sandbox);
  const config = {
    app: APP,
    runtime: "compose",
    image: { registry: sandbox.registry, repository: `e2e-${APP}-${RUN}/acc` },
    services: {
      web: {
        build: { context: "web" },
        port: 8000,
        ports: { blue: 5431, green: 15431 },
        health: { path: "/health", container_check: "python", timeout: "40s" },
        depends_on: ["db"],
        // Seed 004: a JSON config file with a secret in it, in place before the service starts.
        secrets: ["API_TOKEN"],
        files: [{ path: "/app/etc/config.json", template: "web/config.json.tpl" }],
      },
      // Seed 004's "several processes from one codebase": the web image, run with another command.
      worker: {
        image_from: "web",
        command: ["python3", "-m", "http.server", "8001"],
        port: 8001,
        ports: { blue: 5435, green: 15435 },
        health: { path: "/", container_check: "python", timeout: "40s" },
      },
      db: {
        build: { context: "db" },
        port: 5432,
        accessory: true,
        volumes: [`${VOLUME}:/var/lib/postgresql/data`],
        secrets: ["POSTGRES_PASSWORD"],
        ...(Object.keys(dbEnv).length > 0 ? { env: dbEnv } : {}),
        health: { container_check: ["pg_isready", "-q"] },
        // What an image that starts as root and drops to its user (as the official postgres image does) needs.
        container: { capabilities: ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"] },
      },
    },
    database: {
      engine: "postgres",
      compose_service: "db",
      name: "postgres",
      user: "postgres",
      password_secret: "POSTGRES_PASSWORD",
      backups: { keep: 3 },
    },
    inventory: {
      ssh: { user: target.user, known_hosts_file: sandbox.knownHostsPath, identity_file: sandbox.privateKeyPath },
      hosts: { t2: { address: target.host } },
    },
    // Seed 002's static files, shipped with each release (the tester's missing key) and served by nginx.
    proxy: {
      domains: [DOMAIN],
      routes: [{ path: "/", service: "web" }],
      static: { source: "web/static", path: "/static/" },
    },
    tls: { enabled: false },
  };
  const path = join(mkdtempSync(join(tmpdir(), "slipway-accessory-e2e-")), "slipway.yml");
  writeFileSync(path, stringify(config));
  return path;
}

async function removeProjects(host: RemoteHost): Promise<void> {
  const script = [
    `for p in ${APP}-blue ${APP}-green ${APP}-accessories; do`,
    '  ids=$(docker ps -aq --filter "label=com.docker.compose.project=$p"); [ -z "$ids" ] || docker rm -f $ids',
    '  docker network rm "${p}_default" >/dev/null 2>&1 || docker network rm "$(echo "$p" | tr -d -)_default" >/dev/null 2>&1 || true',
    "done",
    `docker network rm ${APP}-accessories >/dev/null 2>&1 || true`,
    `docker volume rm --force ${VOLUME} >/dev/null 2>&1 || true`,
  ].join("\n");
  await host.exec(["sh", "-c", script], { become: true, check: false });
}

describe("deploy, a Postgres accessory beside blue-green compose (t2)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  const references: string[] = [];
  const lines: string[] = [];
  const base = (): DeployOptions => ({
    config,
    commit: randomBytes(20).toString("hex"),
    actor: "e2e",
    drainSeconds: 1,
    insecureRegistry: true,
    secrets: { POSTGRES_PASSWORD: PASSWORD, API_TOKEN: TOKEN },
    releaseDir: `${REPO_ROOT}/test/fixtures/apps/accessory`,
    onEvent: terminalSink((line) => lines.push(line)),
  });
  const sudo = { become: true };
  const dbContainer = async () =>
    (
      await host.exec(
        ["docker", "ps", "-q", "--no-trunc", "--filter", `label=com.docker.compose.project=${APP}-accessories`],
        sudo,
      )
    ).stdout.trim();
  const psql = async (sql: string) =>
    (
      await host.exec(
        ["docker", "exec", await dbContainer(), "psql", "-U", "postgres", "-X", "-A", "-t", "-c", sql],
        sudo,
      )
    ).stdout.trim();
  const health = async () => JSON.parse((await viaNginx(address(), DOMAIN, "/health")).body);

  beforeAll(async () => {
    host = await connectTarget("t2");
    await removeProjects(host);
    await cleanHost(host, APP);
    config = await loadConfig(writeConfig());
  });

  afterAll(async () => {
    if (!host) return;
    await removeProjects(host);
    await cleanHost(host, APP);
    await removeTestImages(host, references);
    await host.close();
  });

  let firstContainer = "";

  it("first deploy starts the accessory once, then blue, which reaches it as db:5432", async () => {
    const result = await deploy({ ...base(), versionEnv: { APP_VERSION: "v1" } });
    if (!result.ok) console.log(lines.join("\n"));
    expect(result.ok).toBe(true);
    references.push(...Object.values(result.images));
    firstContainer = await dbContainer();
    expect(firstContainer).toMatch(/^[0-9a-f]{64}$/);
    expect(await health()).toEqual({ status: "ok", version: "v1", color: "blue" });
    expect(JSON.parse((await viaNginx(address(), DOMAIN, "/db")).body)).toEqual({ db: "reachable" });
    // One build for web and worker: the worker container runs the web image with its own command.
    const image = async (service: string) =>
      (
        await host.exec(
          [
            "sh",
            "-c",
            `docker inspect --format '{{.Config.Image}}' $(docker ps -q --filter label=com.docker.compose.project=${APP}-blue --filter label=com.docker.compose.service=${service})`,
          ],
          sudo,
        )
      ).stdout.trim();
    expect(JSON.parse((await viaNginx(address(), DOMAIN, "/config")).body)).toEqual({
      config: { Database: "db:5432", Token: TOKEN },
    });
    const mode = await host.exec(["stat", "-c", "%a %U", `/opt/${APP}/files/web-blue/0-config.json`], sudo);
    expect(mode.stdout.trim()).toBe("600 root");
    const shipped = await viaNginx(address(), DOMAIN, "/static/hello.txt");
    expect([shipped.status, shipped.body]).toEqual([200, "static from the release\n"]);
    expect(await image("worker")).toBe(result.images.web);
    expect(await image("web")).toBe(result.images.web);
    expect(Object.keys(result.images).sort()).toEqual(["db", "web"]);
    // The password from the 0600 env file arrived exactly (compose's dotenv writer): a TCP login with it works.
    const login = await host.exec(
      [
        "docker",
        "exec",
        "-e",
        `PGPASSWORD=${PASSWORD}`,
        firstContainer,
        "psql",
        "-h",
        "127.0.0.1",
        "-U",
        "postgres",
        "-A",
        "-t",
        "-c",
        "SELECT 1",
      ],
      sudo,
    );
    expect(login.stdout.trim()).toBe("1");
    await psql("CREATE TABLE notes (id int PRIMARY KEY, title text); INSERT INTO notes VALUES (1, 'kept')");
  });

  it("second deploy switches to green; the same Postgres container kept its data, and was backed up first", async () => {
    lines.length = 0;
    const result = await deploy({ ...base(), versionEnv: { APP_VERSION: "v2" } });
    if (!result.ok) console.log(lines.join("\n"));
    expect(result.ok).toBe(true);
    expect(await health()).toEqual({ status: "ok", version: "v2", color: "green" });
    expect(JSON.parse((await viaNginx(address(), DOMAIN, "/db")).body)).toEqual({ db: "reachable" });
    expect(await dbContainer()).toBe(firstContainer);
    expect(await psql("SELECT title FROM notes")).toBe("kept");
    expect(lines.some((l) => /backed up the database: /.test(l))).toBe(true);
    // Blue was stopped by the switch; the accessory's project has its one container, running.
    const blue = await host.exec(
      ["docker", "ps", "-q", "--filter", `label=com.docker.compose.project=${APP}-blue`],
      sudo,
    );
    expect(blue.stdout.trim()).toBe("");
  });

  it("`slipway plan` names the db build; a changed accessory env is a restart of it, with its data kept", async () => {
    const tuned = writeConfig({ SLIPWAY_E2E_TUNING: "on" });
    const secrets = { POSTGRES_PASSWORD: PASSWORD, API_TOKEN: TOKEN };
    const plan = await runCli(["plan", "-c", tuned, "--release-dir", base().releaseDir as string], secrets);
    if (plan.code !== 0) console.log(plan.output);
    expect(plan.code, plan.output).toBe(0);
    expect(plan.output).not.toContain("no image to run");
    expect(plan.output).toContain(
      "build and push the db image, pull it by digest (a new image restarts the accessory)",
    );
    expect(plan.output).toContain(
      "would restart the stateful accessory db: recreated with the changed image/env (volumes kept)",
    );
    expect(await dbContainer()).toBe(firstContainer);

    lines.length = 0;
    config = await loadConfig(tuned);
    const result = await deploy({ ...base(), versionEnv: { APP_VERSION: "v3" } });
    if (!result.ok) console.log(lines.join("\n"));
    expect(result.ok).toBe(true);
    const recreated = await dbContainer();
    expect(recreated).toMatch(/^[0-9a-f]{64}$/);
    expect(recreated).not.toBe(firstContainer);
    const env = await host.exec(["docker", "inspect", "--format", "{{json .Config.Env}}", recreated], sudo);
    expect(JSON.parse(env.stdout)).toContain("SLIPWAY_E2E_TUNING=on");
    expect(await psql("SELECT title FROM notes")).toBe("kept");
    expect(await health()).toEqual({ status: "ok", version: "v3", color: "blue" });
    firstContainer = recreated;

    // The same config again: the accessory is left alone.
    const again = await deploy({ ...base(), versionEnv: { APP_VERSION: "v4" } });
    expect(again.ok).toBe(true);
    expect(await dbContainer()).toBe(recreated);
  });

  it("slipway remove takes the app off and keeps the database server, its volume and the backups", async () => {
    const exists = async (path: string) =>
      (await host.exec(["test", "-e", path], { ...sudo, check: false })).code === 0;
    const plan = await removeApp(host, config, { check: true });
    expect(plan).toContain(`would compose down project ${APP}-green`);
    expect(plan).not.toContain(`would compose down project ${APP}-accessories`);
    expect(await health()).toMatchObject({ version: "v4" });

    const done = await removeApp(host, config);
    expect(done).toContain(
      `kept: /opt/${APP}/backups, the named volumes, the accessories, the app's images, bootstrap's firewall rules of the app (--purge removes them)`,
    );
    const green = await host.exec(
      ["docker", "ps", "-aq", "--filter", `label=com.docker.compose.project=${APP}-green`],
      sudo,
    );
    expect(green.stdout.trim()).toBe("");
    expect((await viaNginx(address(), DOMAIN, "/health")).body).not.toContain('"version"');
    expect(await exists(`/opt/${APP}/releases`)).toBe(false);
    expect(await exists(`/opt/${APP}/compose/green`)).toBe(false);
    expect(await exists(`/opt/${APP}/.slipway-lock`)).toBe(false);
    expect((await host.exec(["ls", `/opt/${APP}/backups`], sudo)).stdout.trim()).not.toBe("");
    expect(await dbContainer()).toBe(firstContainer);
    expect(await psql("SELECT title FROM notes")).toBe("kept");

    const purged = await removeApp(host, config, { purge: true });
    expect(purged).toContain(`compose down project ${APP}-accessories`);
    expect(await dbContainer()).toBe("");
    expect((await host.exec(["docker", "volume", "inspect", VOLUME], { ...sudo, check: false })).code).not.toBe(0);
    expect(await exists(`/opt/${APP}`)).toBe(false);
  });
});
