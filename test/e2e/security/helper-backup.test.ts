// e2e-targets: t7
/**
 * D74: helper mode (bootstrap's default privilege) with a Postgres accessory, on t7 (bootstrapped here with the whole
 * playbook). The first deploy has nothing to back up; the second backs the database up before it changes anything,
 * and `slipway backup create` / `backup restore` work too: the dump, its check and the restore run `docker exec` in
 * the accessory's container through the helper's docker gate (the deploy user is in no docker group), and the
 * container is found by the project `<app>-accessories`, the only kind of listing the gate allows.
 * Run under `flock /tmp/slipway-t7.lock`.
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
import type { RemoteHost } from "../../../src/remote/types.js";
import { runCli } from "../deploy/fault-support.js";
import { cleanHost, removeTestImages } from "../deploy/support.js";
import { connectTarget, loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { bootstrapHelperHost, DEPLOY_USER, forgetApp } from "./helper-support.js";

const TARGET = "t7";
const APP = "hvbak";
const DOMAIN = "hvbak.e2e.test";
const VOLUME = `${APP}-pgdata`;
const RUN = randomBytes(4).toString("hex");
const PASSWORD = `p$a'ss"w\\o#rd x ${RUN}`;
const TOKEN = `tok ${RUN}`;

function writeConfig(): string {
  const sandbox = loadSandbox();
  const target = sandboxTarget(TARGET, sandbox);
  const config = {
    app: APP,
    runtime: "compose",
    image: { registry: sandbox.registry, repository: `e2e-${APP}-${RUN}/acc` },
    services: {
      web: {
        build: { context: "web" },
        port: 8000,
        ports: { blue: 5493, green: 15493 },
        health: { path: "/health", container_check: "python", interval: "1s", timeout: "40s" },
        depends_on: ["db"],
        secrets: ["API_TOKEN"],
        files: [{ path: "/app/etc/config.json", template: "web/config.json.tpl" }],
      },
      db: {
        build: { context: "db" },
        port: 5432,
        accessory: true,
        volumes: [`${VOLUME}:/var/lib/postgresql/data`],
        secrets: ["POSTGRES_PASSWORD"],
        health: { container_check: ["pg_isready", "-q"], interval: "1s" },
        container: { capabilities: ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"] },
      },
    },
    database: {
      engine: "postgres",
      compose_service: "db",
      name: "postgres",
      user: "postgres",
      password_secret: "POSTGRES_PASSWORD",
      backups: { keep: 5 },
    },
    inventory: {
      ssh: {
        user: DEPLOY_USER,
        privilege: "helper",
        known_hosts_file: sandbox.knownHostsPath,
        identity_file: sandbox.privateKeyPath,
      },
      hosts: { [TARGET]: { address: target.host } },
    },
    proxy: { domains: [DOMAIN], routes: [{ path: "/", service: "web" }] },
    tls: { enabled: false },
  };
  const path = join(mkdtempSync(join(tmpdir(), "slipway-helper-backup-")), "slipway.yml");
  writeFileSync(path, stringify(config));
  return path;
}

async function removeProjects(root: RemoteHost): Promise<void> {
  const script = [
    `for p in ${APP}-blue ${APP}-green ${APP}-accessories; do`,
    '  ids=$(docker ps -aq --filter "label=com.docker.compose.project=$p"); [ -z "$ids" ] || docker rm -f $ids',
    '  docker network rm "${p}_default" >/dev/null 2>&1 || docker network rm "$(echo "$p" | tr -d -)_default" >/dev/null 2>&1 || true',
    "done",
    `docker network rm ${APP}-accessories >/dev/null 2>&1 || true`,
    `docker volume rm --force ${VOLUME} >/dev/null 2>&1 || true`,
    `rm -rf /var/lib/slipway-gate/${APP}`,
  ].join("\n");
  await root.exec(["sh", "-c", script], { become: true, check: false });
}

describe("helper mode: a Postgres accessory is backed up by the second deploy and by `slipway backup` (D74, t7)", () => {
  let root: RemoteHost;
  let file: string;
  let config: SlipwayConfig;
  const references: string[] = [];
  const lines: string[] = [];
  const secrets = { POSTGRES_PASSWORD: PASSWORD, API_TOKEN: TOKEN };
  const options = (): DeployOptions => ({
    config,
    commit: randomBytes(20).toString("hex"),
    actor: "e2e",
    drainSeconds: 1,
    insecureRegistry: true,
    secrets,
    releaseDir: `${REPO_ROOT}/test/fixtures/apps/accessory`,
    onEvent: terminalSink((line) => lines.push(line)),
  });
  const psql = async (sql: string) => {
    const script = `exec docker exec "$(docker ps -q --filter label=com.docker.compose.project=${APP}-accessories)" psql -U postgres -X -A -t -c "$1"`;
    return (await root.exec(["sh", "-c", script, "sh", sql], { become: true })).stdout.trim();
  };

  beforeAll(async () => {
    root = await connectTarget(TARGET);
    await removeProjects(root);
    await cleanHost(root, APP);
    const boot = await bootstrapHelperHost(root, APP, { target: TARGET, vars: { app_domains: [DOMAIN] } });
    const failed = boot.outcomes.filter((o) => o.status === "failed").map((o) => `${o.task}: ${o.msg}`);
    expect(failed).toEqual([]);
    file = writeConfig();
    config = await loadConfig(file);
  }, 900_000);

  afterAll(async () => {
    if (!root) return;
    await removeProjects(root);
    await cleanHost(root, APP);
    await removeTestImages(root, references);
    await forgetApp(root, APP);
    await root.close();
  });

  // Two deploys (the first builds the images and starts the accessory): vitest's 180 s ran out in CI under load.
  it("deploys twice: the second deploy's backup dumps the accessory through the gate", async () => {
    const first = await deploy(options());
    expect(first.ok, `${first.recap}\n${lines.join("\n")}`).toBe(true);
    references.push(...Object.values(first.images));
    await psql("CREATE TABLE notes (id int PRIMARY KEY, title text); INSERT INTO notes VALUES (1, 'kept')");
    lines.length = 0;
    const second = await deploy(options());
    expect(second.ok, `${second.recap}\n${lines.join("\n")}`).toBe(true);
    expect(lines.join("\n")).not.toMatch(/refused|permission denied/);
    expect(
      lines.some((l) => /backed up the database: /.test(l)),
      lines.join("\n"),
    ).toBe(true);
    const dumps = await root.exec(["sh", "-c", `ls /opt/${APP}/backups/*.dump | wc -l`], { become: true });
    expect(dumps.stdout.trim()).toBe("1");
  }, 360_000);

  it("`slipway backup create` and `backup restore` as the helper-only user", async () => {
    const created = await runCli(["backup", "create", "-c", file, "--json"], secrets);
    expect(created.code, created.output).toBe(0);
    const id = /"id":\s*"([^"]+)"/.exec(created.output)?.[1] ?? "";
    expect(id, created.output).not.toBe("");
    await psql("INSERT INTO notes VALUES (2, 'after the backup')");
    const restored = await runCli(["backup", "restore", id, "-c", file, "--json", "--yes"], secrets);
    expect(restored.code, restored.output).toBe(0);
    expect(await psql("SELECT string_agg(title, ',' ORDER BY id) FROM notes")).toBe("kept");
  });
});
