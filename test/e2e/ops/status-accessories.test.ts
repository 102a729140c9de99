/**
 * D71 on sandbox target t8: a compose app with a database accessory (a stand-in server on 5432 that speaks no HTTP,
 * with a docker healthcheck). `slipway status` shows the accessory by docker's state and health and polls no port of
 * it over HTTP (exit 0); `slipway logs db` prints its container's log, and `slipway logs` (every service) includes it.
 * The accessory stopped: status exit 2, `accessory db is exited`.
 */

import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { runCli } from "../deploy/fault-support.js";
import { cleanHost, connectTarget, removeTestImages } from "../deploy/support.js";
import { loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";

const APP = "stacc";
const TARGET = "t8";
const RUN = randomBytes(4).toString("hex");
const REPOSITORY = `e2e-${APP}-${RUN}/acc`;
const APPS = `${REPO_ROOT}/test/fixtures/apps`;

function writeConfig(): string {
  const sandbox = loadSandbox();
  const target = sandboxTarget(TARGET, sandbox);
  const config = {
    app: APP,
    runtime: "compose",
    image: { registry: sandbox.registry, repository: REPOSITORY },
    services: {
      web: {
        build: { context: `${APPS}/accessory/web` },
        port: 8000,
        health: { path: "/health", container_check: "python", timeout: "40s" },
        depends_on: ["db"],
      },
      db: {
        build: { context: `${APPS}/status-accessory/db` },
        port: 5432,
        accessory: true,
        health: {
          container_check: ["python3", "-c", "import socket; socket.create_connection(('127.0.0.1', 5432), 1)"],
        },
      },
    },
    inventory: {
      ssh: { user: target.user, known_hosts_file: sandbox.knownHostsPath, identity_file: sandbox.privateKeyPath },
      hosts: { [TARGET]: { address: target.host } },
    },
    proxy: { domains: [`${APP}.e2e.test`], routes: [{ path: "/", service: "web" }] },
    tls: { enabled: false },
  };
  const path = join(mkdtempSync(join(tmpdir(), "slipway-status-acc-e2e-")), "slipway.yml");
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
  ].join("\n");
  await host.exec(["sh", "-c", script], { become: true, check: false });
}

describe("status and logs of a compose accessory (D71, t8)", () => {
  let host: RemoteHost;
  let file: string;
  let config: SlipwayConfig;
  const references: string[] = [];

  beforeAll(async () => {
    host = await connectTarget(TARGET);
    await removeProjects(host);
    await cleanHost(host, APP);
    file = writeConfig();
    config = await loadConfig(file);
    const lines: string[] = [];
    const result = await deploy({
      config,
      commit: randomBytes(20).toString("hex"),
      actor: "e2e",
      drainSeconds: 1,
      insecureRegistry: true,
      onEvent: terminalSink((line) => lines.push(line)),
    });
    references.push(...Object.values(result.images));
    expect(result.ok, lines.join("\n")).toBe(true);
  });

  afterAll(async () => {
    if (!host) return;
    await removeProjects(host);
    await cleanHost(host, APP);
    await removeTestImages(host, references, [`${REPOSITORY}-web`, `${REPOSITORY}-db`]);
    await host.close();
  });

  it("status: the accessory by docker's state and health, no HTTP poll of its port, exit 0", async () => {
    const status = await runCli(["status", "-c", file]);
    expect(status.output).toMatch(/^ {2}ACCESSORY {2}STATE {4}HEALTH$/m);
    expect(status.output).toMatch(/^ {2}db {9}running {2}healthy$/m);
    expect(status.output).not.toContain(":5432");
    expect(status.output).toMatch(/^ {2}healthy$/m);
    expect(status.code, status.output).toBe(0);
    const json = await runCli(["status", "-c", file, "--json"]);
    expect(JSON.parse(json.output)[0].accessories).toEqual([
      { service: "db", state: "running", health: "healthy", ok: true },
    ]);
  });

  it("logs db prints the accessory's container log; logs (every service) includes it", async () => {
    const db = await runCli(["logs", "-c", file, "db"]);
    expect(db.code, db.output).toBe(0);
    expect(db.output).toMatch(/^t8\/db \| \S+ stand-in database ready on 5432$/m);
    const all = await runCli(["logs", "-c", file]);
    expect(all.code, all.output).toBe(0);
    expect(all.output).toContain("stand-in database ready on 5432");
  });

  it("the accessory stopped: status exit 2, `accessory db is exited`", async () => {
    await host.exec(
      ["sh", "-c", `docker stop --time 1 $(docker ps -q --filter label=com.docker.compose.project=${APP}-accessories)`],
      { become: true },
    );
    const status = await runCli(["status", "-c", file]);
    expect(status.code, status.output).toBe(2);
    expect(status.output).toMatch(/^ {2}db {9}exited {2}\S+$/m);
    expect(status.output).toContain("UNHEALTHY: accessory db is exited");
  });
});
