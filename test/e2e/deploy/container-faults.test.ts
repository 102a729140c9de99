/**
 * Fault injection on sandbox target t2 for runtime container (flask-docker, SQLite in a named volume): the same
 * SIGKILL/SIGTERM step boundaries as the systemd matrix (faults.test.ts, shared driver in fault-support.ts), each
 * followed by a plain deploy of the same release that converges, then a rollback and a health endpoint that hangs.
 * The image is built and pushed once (the first deploy); every later deploy names it by digest.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { parse, stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { containerName } from "../../../src/deploy/container/run-spec.js";
import { type DeployOptions, deploy, rollback } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { loadSandbox, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { type FaultSite, faultMatrix } from "./fault-support.js";
import { cleanHost, connectTarget, viaNginx, writeOverlay } from "./support.js";

const APP = "ctfault";
const DOMAIN = "ctfault.e2e.test";
const VOLUME = `${APP}-instance`;
const RUN = randomBytes(4).toString("hex");
const RELEASE_DIR = `${REPO_ROOT}/examples/flask-docker`;
const SECRETS = { SECRET_KEY: "e2e-secret" };
const HEALTH_TIMEOUT = 8;
const address = () => sandboxTarget("t2").host;
const dockerLocal = promisify(execFile);

/** Every boundary that changes something, killed right after it; SIGTERM where the undo chain matters. */
const FAULTS = [
  "lock:after:kill",
  "backup:after:kill",
  "start:after:kill",
  "preview:after:kill",
  "switch:after:kill",
  "verify:after:kill",
  "record:after:kill",
  "retire:after:kill",
  "backup:after:term",
  "start:after:term",
  "switch:after:term",
];

/** flask-docker's slipway.yml for t2: own name, ports, volume and repository; plain http; a fast health gate. */
function writeConfig(): string {
  const file = writeOverlay("flask-docker", {
    app: APP,
    domain: DOMAIN,
    target: "t2",
    ports: {},
    healthTimeout: `${HEALTH_TIMEOUT}s`,
  });
  const config = parse(readFileSync(file, "utf8"));
  config.image.repository = `e2e-${APP}-${RUN}/flask`;
  config.services.backend.ports = { blue: 5431, green: 15431 };
  config.services.backend.volumes = [`${VOLUME}:/app/instance`];
  config.services.backend.health.request_timeout = "2s";
  config.database = { engine: "sqlite", volume: VOLUME, path: "notes.db" };
  config.tls = { enabled: false };
  writeFileSync(file, stringify(config));
  return file;
}

describe("fault injection (flask-docker on t2, runtime container)", () => {
  let host: RemoteHost;
  let file: string;
  let config: SlipwayConfig;
  let images: Record<string, string> = {};
  let site: FaultSite;
  const base = (): DeployOptions => ({
    config,
    actor: "e2e",
    releaseDir: RELEASE_DIR,
    drainSeconds: 0,
    secrets: SECRETS,
    insecureRegistry: true,
  });

  beforeAll(async () => {
    host = await connectTarget("t2");
    await cleanHost(host, APP);
    await host.exec(["docker", "volume", "rm", "--force", VOLUME], { become: true, check: false });
    file = writeConfig();
    config = await loadConfig(file);
    const lines: string[] = [];
    const first = await deploy({
      ...base(),
      releaseId: "f0",
      versionEnv: { APP_VERSION: "f0" },
      onEvent: terminalSink((l) => lines.push(l)),
    });
    expect(first.ok, lines.join("\n")).toBe(true);
    images = first.images;
    site = {
      app: APP,
      domain: DOMAIN,
      address: address(),
      host,
      healthPath: "/api/health",
      writeRow: (title) => viaNginx(address(), DOMAIN, "/api/notes", "POST", JSON.stringify({ title })),
      rows: async () =>
        JSON.parse((await viaNginx(address(), DOMAIN, "/api/notes")).body).notes.map((n: { title: string }) => n.title),
      cliArgs: (release) => [
        "deploy",
        "-c",
        file,
        "--yes",
        "--release-dir",
        RELEASE_DIR,
        "--release-id",
        release,
        "--drain",
        "0",
        "--insecure-registry",
        ...Object.entries(images).flatMap(([service, ref]) => ["--image", `${service}=${ref}`]),
        "--version-env",
        `APP_VERSION=${release}`,
      ],
      cliEnv: SECRETS,
      deploy: (release, versionEnv = {}, log) =>
        deploy({
          ...base(),
          images,
          releaseId: release,
          versionEnv: { APP_VERSION: release, ...versionEnv },
          ...(log ? { onEvent: terminalSink(log) } : {}),
        }),
      rollback: () => rollback({ config, actor: "e2e", drainSeconds: 0, secrets: SECRETS }),
      running: async (color) => {
        const argv = ["docker", "inspect", "--format", "{{.State.Running}}", containerName(APP, "backend", color)];
        return (await host.exec(argv, { become: true, check: false })).stdout.trim() === "true";
      },
      healthTimeoutSeconds: HEALTH_TIMEOUT,
    };
  });

  afterAll(async () => {
    if (!host) return;
    await cleanHost(host, APP);
    await host.exec(["docker", "volume", "rm", "--force", VOLUME], { become: true, check: false });
    const references = Object.values(images);
    if (references.length > 0) {
      await host.exec(["docker", "image", "rm", "--force", ...references], { become: true, check: false });
      await dockerLocal("docker", ["image", "rm", "--force", ...references]).catch(() => undefined);
      const repo = `${loadSandbox().registry}/e2e-${APP}-${RUN}/flask-backend`;
      const tags = (await dockerLocal("docker", ["images", "--format", "{{.Repository}}:{{.Tag}}", repo])).stdout;
      const local = tags.split("\n").filter((t) => t && !t.endsWith(":<none>"));
      if (local.length > 0) await dockerLocal("docker", ["image", "rm", "--force", ...local]).catch(() => undefined);
    }
    await host.close();
  });

  faultMatrix(FAULTS, "f0", () => site);
});
