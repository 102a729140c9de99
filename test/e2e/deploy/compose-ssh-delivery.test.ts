/**
 * D39: runtime compose with `image.delivery: ssh` (what `slipway init` writes without `--registry`) on sandbox target
 * t2: the images are built on the runner, pushed nowhere, streamed over SSH and the compose file runs them by their
 * commit tag (it refused anything but a digest before, at `render`). v1, then v2 with the data kept.
 */

import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, removeComposeProjects, viaNginx, writeOverlay } from "./support.js";

const APP = "cmpssh";
const DOMAIN = "cmpssh.e2e.test";
const VOLUME = `${APP}-data`;
const RUN = randomBytes(4).toString("hex");
const commits = { v1: randomBytes(20).toString("hex"), v2: randomBytes(20).toString("hex") };
const address = () => sandboxTarget("t2").host;
const dockerLocal = promisify(execFile);
const repository = `e2e-${APP}-${RUN}/duck`;

function writeConfig(): string {
  const file = writeOverlay("duckdb-compose", {
    app: APP,
    domain: DOMAIN,
    target: "t2",
    ports: {},
    healthTimeout: "30s",
  });
  const config = parse(readFileSync(file, "utf8"));
  config.image = { repository, delivery: "ssh" };
  config.services.backend.ports = { blue: 5437, green: 15437 };
  config.services.backend.env.DATABASE_PATH = "/app/data/app.db";
  config.services.backend.volumes = [`${VOLUME}:/app/data`];
  config.services.frontend.ports = { blue: 5438, green: 15438 };
  config.database = { engine: "duckdb", volume: VOLUME, path: "app.db", backups: { keep: 2 } };
  config.tls = { enabled: false };
  config.releases = { keep: 1 };
  writeFileSync(file, stringify(config));
  return file;
}

describe("runtime compose with image.delivery: ssh (t2)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  const lines: string[] = [];
  const base = (): DeployOptions => ({
    config,
    actor: "e2e",
    drainSeconds: 1,
    releaseDir: `${REPO_ROOT}/examples/duckdb-compose`,
    onEvent: terminalSink((line) => lines.push(line)),
  });
  const version = async () => JSON.parse((await viaNginx(address(), DOMAIN, "/api/health")).body).version;
  const items = async () =>
    JSON.parse((await viaNginx(address(), DOMAIN, "/api/items")).body).items.map((i: { name: string }) => i.name);

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
    const tags = Object.values(commits).flatMap((c) => [`${repository}-backend:${c}`, `${repository}-frontend:${c}`]);
    await host.exec(["docker", "image", "rm", "--force", ...tags], { become: true, check: false });
    await dockerLocal("docker", ["image", "rm", "--force", ...tags]).catch(() => undefined);
    await host.close();
  });

  it("first deploy streams both images and runs them by commit tag", async () => {
    const result = await deploy({ ...base(), commit: commits.v1, versionEnv: { APP_VERSION: "v1" } });
    expect(result.ok, `${result.recap}\n${lines.join("\n")}`).toBe(true);
    expect(result.images).toEqual({
      backend: `${repository}-backend:${commits.v1}`,
      frontend: `${repository}-frontend:${commits.v1}`,
    });
    expect(lines.join("\n")).toContain(`streamed ${repository}-backend:${commits.v1} over SSH`);
    const file = (await host.readFile(`/opt/${APP}/compose/blue/compose.yml`, { become: true }))?.toString() ?? "";
    expect(parse(file).services.backend.image).toBe(`${repository}-backend:${commits.v1}`);
    expect(await version()).toBe("v1");
    const added = await viaNginx(address(), DOMAIN, "/api/items", "POST", JSON.stringify({ name: "before-v2" }));
    expect(added.status).toBe(201);
  });

  it("v2 (stop-first) streams the new images; the data survives", async () => {
    lines.length = 0;
    const result = await deploy({ ...base(), commit: commits.v2, versionEnv: { APP_VERSION: "v2" } });
    expect(result.ok, `${result.recap}\n${lines.join("\n")}`).toBe(true);
    expect(await version()).toBe("v2");
    expect(await items()).toContain("before-v2");
  });
});
