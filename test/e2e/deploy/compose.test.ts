/**
 * Stop-first deploy of the duckdb-compose example (runtime compose) on sandbox target t2: one compose project per
 * color, images built and pushed by the deploy and pulled by digest, compose v1 or v2 as the host has it. v1, then v2
 * (the live color stops before the new one starts: the data file admits one writer), then a broken backend image that
 * never becomes live: the old color is started again and serves. The data file in the named volume survives.
 */

import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { buildImages } from "../../../src/build/build_images.js";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import {
  cleanHost,
  connectTarget,
  removeComposeProjects,
  removeTestImages,
  viaNginx,
  writeOverlay,
} from "./support.js";

const APP = "cmpdeploy";
const DOMAIN = "cmpdeploy.e2e.test";
const VOLUME = `${APP}-data`;
const RUN = randomBytes(4).toString("hex");
const COMMIT = randomBytes(20).toString("hex");
const address = () => sandboxTarget("t2").host;
const repository = () => `${loadSandbox().registry}/e2e-${APP}-${RUN}/duck`;

/** duckdb-compose's slipway.yml for t2: own name, host ports, volume and repository; plain http. */
function writeConfig(): string {
  const file = writeOverlay("duckdb-compose", {
    app: APP,
    domain: DOMAIN,
    target: "t2",
    ports: {},
    healthTimeout: "30s",
  });
  const config = parse(readFileSync(file, "utf8"));
  config.image.repository = `e2e-${APP}-${RUN}/duck`;
  config.services.backend.ports = { blue: 5421, green: 15421 };
  config.services.backend.env.DATABASE_PATH = "/app/data/app.db";
  config.services.backend.volumes = [`${VOLUME}:/app/data`];
  config.services.frontend.ports = { blue: 5422, green: 15422 };
  config.database = { engine: "duckdb", volume: VOLUME, path: "app.db", backups: { keep: 2 } };
  config.tls = { enabled: false };
  config.releases = { keep: 1 };
  writeFileSync(file, stringify(config));
  return file;
}

describe("deploy, runtime compose with stop-first (duckdb-compose on t2)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  const references: string[] = [];
  let v1Images: Record<string, string> = {};
  const lines: string[] = [];
  const base = (): DeployOptions => ({
    config,
    commit: COMMIT,
    actor: "e2e",
    drainSeconds: 1,
    insecureRegistry: true,
    releaseDir: `${REPO_ROOT}/examples/duckdb-compose`,
    onEvent: terminalSink((line) => lines.push(line)),
  });
  const version = async () => JSON.parse((await viaNginx(address(), DOMAIN, "/api/health")).body).version;
  const itemNames = async () =>
    JSON.parse((await viaNginx(address(), DOMAIN, "/api/items")).body).items.map((i: { name: string }) => i.name);
  const running = async (project: string) =>
    (
      await host.exec(["docker", "ps", "-q", "--filter", `label=com.docker.compose.project=${project}`], {
        become: true,
      })
    ).stdout
      .split("\n")
      .filter(Boolean).length;

  beforeAll(async () => {
    host = await connectTarget("t2");
    await removeComposeProjects(host, APP, VOLUME);
    await cleanHost(host, APP);
    config = await loadConfig(writeConfig());
  });

  afterAll(async () => {
    if (!host) return;
    await removeComposeProjects(host, APP, VOLUME);
    await cleanHost(host, APP);
    await removeTestImages(host, references, [`e2e-${APP}-${RUN}/duck-backend`, `e2e-${APP}-${RUN}/duck-frontend`]);
    await host.close();
  });

  it("first deploy builds both images and serves v1 from the blue compose project", async () => {
    const result = await deploy({ ...base(), versionEnv: { APP_VERSION: "v1" } });
    if (!result.ok) console.log(lines.join("\n"));
    expect(result.ok).toBe(true);
    for (const service of ["backend", "frontend"]) {
      expect(result.images[service]).toMatch(new RegExp(`^${repository()}-${service}@sha256:[0-9a-f]{64}$`));
      references.push(result.images[service] as string);
    }
    v1Images = result.images;
    expect(result.hosts).toEqual([expect.objectContaining({ name: "t2", status: "changed", color: "blue" })]);
    expect(await version()).toBe("v1");
    expect(await running(`${APP}-blue`)).toBe(2);
    // D68: compose's `logging:` reaches docker: json-file bounded to 10m x 5 (services.*.logs defaults).
    const ids = (
      await host.exec(["docker", "ps", "-q", "--filter", `label=com.docker.compose.project=${APP}-blue`], {
        become: true,
      })
    ).stdout
      .trim()
      .split("\n");
    for (const id of ids) {
      const log = await host.exec(["docker", "inspect", "--format", "{{json .HostConfig.LogConfig}}", id], {
        become: true,
      });
      expect(JSON.parse(log.stdout)).toEqual({ Type: "json-file", Config: { "max-size": "10m", "max-file": "5" } });
    }
    // docker runs each container check at the interval rendered for it: the gate's 2 s for the backend the frontend
    // depends on, 30 s for the frontend nothing waits on (a check is a runc exec: ~190 ms of CPU here).
    const intervals = await host.exec(
      [
        "docker",
        "inspect",
        "--format",
        '{{index .Config.Labels "com.docker.compose.service"}} {{.Config.Healthcheck.Interval}}',
        ...ids,
      ],
      { become: true },
    );
    expect(intervals.stdout.trim().split("\n").sort()).toEqual(["backend 2s", "frontend 30s"]);
    const front = await viaNginx(address(), DOMAIN, "/");
    expect(front.status).toBe(200);
    const added = await viaNginx(address(), DOMAIN, "/api/items", "POST", JSON.stringify({ name: "before-v2" }));
    expect(added.status).toBe(201);
  });

  it("the plan of the next deploy says it has downtime (stop-first)", async () => {
    lines.length = 0;
    const plan = await deploy({ ...base(), images: v1Images, versionEnv: { APP_VERSION: "v2" }, check: true });
    expect(plan.ok).toBe(true);
    expect(lines.join("\n")).toContain("downtime: stop-first");
  });

  it("deploys v2 stop-first on green; the data file in the volume survives and blue is stopped", async () => {
    lines.length = 0;
    const result = await deploy({ ...base(), images: v1Images, versionEnv: { APP_VERSION: "v2" } });
    if (!result.ok) console.log(lines.join("\n"));
    expect(result.ok).toBe(true);
    expect(result.hosts[0]?.color).toBe("green");
    expect(result.hosts[0]?.backup).toMatch(/\S/);
    expect(await version()).toBe("v2");
    expect(await itemNames()).toContain("before-v2");
    expect(await running(`${APP}-blue`)).toBe(0);
    expect(await running(`${APP}-green`)).toBe(2);
    // The old color stopped before the backup and before green started.
    const stopAt = lines.findIndex((l) => l.includes("downtime: stop-first: stopping"));
    const backupAt = lines.findIndex((l) => l.includes("backed up the database while stopped"));
    const startAt = lines.findIndex((l) => l.includes(`starting ${APP}-green`));
    expect(stopAt).toBeGreaterThan(-1);
    expect(backupAt).toBeGreaterThan(stopAt);
    expect(startAt).toBeGreaterThan(backupAt);
    const history = JSON.parse((await host.readFile(`/opt/${APP}/releases.json`))?.toString() ?? "{}");
    expect(history.releases.at(-1)).toMatchObject({ result: "deployed", images: v1Images, color: "green" });
    // Retire ran its prunes (releases.keep 1): the live and the previous release keep their images.
    expect(lines.filter((l) => /prune failed|could not prune/.test(l))).toEqual([]);
    for (const reference of Object.values(v1Images)) {
      expect((await host.exec(["docker", "image", "inspect", reference], { check: false })).code).toBe(0);
    }
  });

  it("a broken backend image never becomes live: green is started again and serves v2 with its data", async () => {
    const [broken] = await buildImages(
      [
        {
          service: "backend",
          repository: `${repository()}-backend`,
          context: `${REPO_ROOT}/examples/duckdb-compose/backend`,
          buildArgs: { BROKEN: "unhealthy" },
        },
      ],
      {
        git: { commitSha: randomBytes(20).toString("hex"), branch: null, source: null },
        registries: { [loadSandbox().registry]: { insecure: true } },
      },
    );
    references.push(broken?.reference as string);
    lines.length = 0;
    const result = await deploy({
      ...base(),
      images: { ...v1Images, backend: broken?.reference as string },
      versionEnv: { APP_VERSION: "v3" },
    });
    expect(result.ok).toBe(false);
    expect(lines.join("\n")).toContain("started green again");
    expect(await version()).toBe("v2");
    expect(await itemNames()).toContain("before-v2");
    expect(await running(`${APP}-blue`)).toBe(0);
    expect(await running(`${APP}-green`)).toBe(2);
  });
});
