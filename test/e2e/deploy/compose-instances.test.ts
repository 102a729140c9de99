/**
 * Seed 000's load-balanced backend under runtime compose: `proxy.load_balance.backend.instances: 3` runs three
 * services of the color's project from one image (`backend`, `backend-2`, `backend-3`) on consecutive ports, each
 * gated before the switch. With one of them stopped, every answer through nginx is still 200, from the other two.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import {
  answersThroughNginx,
  cleanHost,
  connectTarget,
  removeComposeProjects,
  removeTestImages,
  writeOverlay,
} from "./support.js";

const APP = "cmplb";
const DOMAIN = "cmplb.e2e.test";
const VOLUME = `${APP}-instance`;
const RUN = randomBytes(4).toString("hex");
const address = () => sandboxTarget("t2").host;

function writeConfig(): string {
  const file = writeOverlay("flask-docker", {
    app: APP,
    domain: DOMAIN,
    target: "t2",
    ports: {},
    healthTimeout: "40s",
  });
  const config = parse(readFileSync(file, "utf8"));
  config.runtime = "compose";
  config.image.repository = `e2e-${APP}-${RUN}/flask`;
  config.services.backend.ports = { blue: 5631, green: 15631 };
  config.services.backend.volumes = [`${VOLUME}:/app/instance`];
  config.database = { engine: "sqlite", volume: VOLUME, path: "notes.db" };
  config.proxy.load_balance = { backend: { instances: 3 } };
  config.tls = { enabled: false };
  writeFileSync(file, stringify(config));
  return file;
}

describe("deploy, runtime compose with 3 load-balanced instances (t2)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  const references: string[] = [];
  const lines: string[] = [];
  const sudo = { become: true };

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
    await removeTestImages(host, references);
    await host.close();
  });

  it("runs backend, backend-2, backend-3 on 5631-5633; with one stopped, 30 of 30 answers are 200", async () => {
    const result = await deploy({
      config,
      commit: randomBytes(20).toString("hex"),
      actor: "e2e",
      drainSeconds: 1,
      secrets: { SECRET_KEY: "e2e-secret" },
      insecureRegistry: true,
      releaseDir: `${REPO_ROOT}/examples/flask-docker`,
      versionEnv: { APP_VERSION: "v1" },
      onEvent: terminalSink((line) => lines.push(line)),
    });
    if (!result.ok) console.log(lines.join("\n"));
    expect(result.ok).toBe(true);
    references.push(...Object.values(result.images));
    expect(lines.filter((l) => /backend on blue is healthy/.test(l))).toHaveLength(3);
    const container = async (service: string) =>
      (
        await host.exec(
          [
            "docker",
            "ps",
            "-q",
            "--filter",
            `label=com.docker.compose.project=${APP}-blue`,
            "--filter",
            `label=com.docker.compose.service=${service}`,
          ],
          sudo,
        )
      ).stdout.trim();
    for (const [service, port] of [
      ["backend", 5631],
      ["backend-2", 5632],
      ["backend-3", 5633],
    ] as const) {
      const id = await container(service);
      expect(id, service).not.toBe("");
      const published = await host.exec(["docker", "port", id], sudo);
      expect(published.stdout.trim()).toBe(`8887/tcp -> 127.0.0.1:${port}`);
    }

    await host.exec(["docker", "stop", await container("backend-2")], sudo);
    const { failed, seen } = await answersThroughNginx(address(), DOMAIN, "/api/info", 30);
    expect(failed).toEqual([]);
    expect(seen.size).toBe(2);
  });
});
