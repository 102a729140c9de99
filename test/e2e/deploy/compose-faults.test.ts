// e2e-targets: t2
/**
 * Fault injection on sandbox target t2 for runtime compose with strategy stop-first (duckdb-compose, DuckDB in a named
 * volume): the SIGKILL/SIGTERM step boundaries of the systemd matrix (shared driver in fault-support.ts) where the
 * runtime's state differs, plus stop-old, each followed by a plain deploy of the same release that converges, then a
 * rollback and a health endpoint that hangs. A run killed between stop-old and the switch leaves nothing serving until the next deploy (stop-first
 * has no old color running to fall back on); a SIGTERM there starts the old color again. Images are built and
 * pushed once (the first deploy); every later deploy names them by digest.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe } from "vitest";
import { parse, stringify } from "yaml";
import { loadConfig } from "../../../src/config/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT } from "../support/sandbox.js";
import { deployFaultSite } from "./fault-site.js";
import { type FaultSite, faultMatrix } from "./fault-support.js";
import {
  cleanHost,
  connectTarget,
  removeComposeProjects,
  removeTestImages,
  viaNginx,
  writeOverlay,
} from "./support.js";

const APP = "cmpfault";
const DOMAIN = "cmpfault.e2e.test";
const VOLUME = `${APP}-data`;
const RUN = randomBytes(4).toString("hex");
const RELEASE_DIR = `${REPO_ROOT}/examples/duckdb-compose`;
const HEALTH_TIMEOUT = 10;

/**
 * The boundaries after which the runtime's own state differs (container-faults.test.ts says which), plus stop-old:
 * stop-first stops the old color before the new one starts. A kill after lock, preview, verify or record differs from
 * these only in Slipway's own files and nginx, which faults.test.ts (systemd) covers at every boundary.
 */
const FAULTS = [
  "stop-old:after:kill",
  "backup:after:kill",
  "start:after:kill",
  "switch:after:kill",
  "retire:after:kill",
  "stop-old:after:term",
  "backup:after:term",
  "start:after:term",
  "switch:after:term",
];

/** duckdb-compose's slipway.yml for t2: own name, ports, volume and repository; plain http; a fast health gate. */
function writeConfig(): string {
  const file = writeOverlay("duckdb-compose", {
    app: APP,
    domain: DOMAIN,
    target: "t2",
    ports: {},
    healthTimeout: `${HEALTH_TIMEOUT}s`,
  });
  const config = parse(readFileSync(file, "utf8"));
  config.image.repository = `e2e-${APP}-${RUN}/duck`;
  config.services.backend.ports = { blue: 5441, green: 15441 };
  config.services.backend.env.DATABASE_PATH = "/app/data/app.db";
  config.services.backend.volumes = [`${VOLUME}:/app/data`];
  config.services.frontend.ports = { blue: 5442, green: 15442 };
  for (const service of Object.values<{ health: Record<string, string> }>(config.services)) {
    service.health.request_timeout = "2s";
  }
  config.database = { engine: "duckdb", volume: VOLUME, path: "app.db", backups: { keep: 3 } };
  config.tls = { enabled: false };
  writeFileSync(file, stringify(config));
  return file;
}

describe("fault injection (duckdb-compose on t2, runtime compose, stop-first)", () => {
  let host: RemoteHost;
  let images: Record<string, string> = {};
  let site: FaultSite;

  beforeAll(async () => {
    host = await connectTarget("t2");
    await removeComposeProjects(host, APP, VOLUME);
    await cleanHost(host, APP);
    const file = writeConfig();
    ({ site, images } = await deployFaultSite(host, {
      app: APP,
      domain: DOMAIN,
      target: "t2",
      releaseDir: RELEASE_DIR,
      file,
      config: await loadConfig(file),
      pinImages: true,
      healthPath: "/api/health",
      writeRow: (address, name) => viaNginx(address, DOMAIN, "/api/items", "POST", JSON.stringify({ name })),
      rows: async (address) =>
        JSON.parse((await viaNginx(address, DOMAIN, "/api/items")).body).items.map((i: { name: string }) => i.name),
      running: async (on, color) => {
        const argv = ["docker", "ps", "-q", "--filter", `label=com.docker.compose.project=${APP}-${color}`];
        return (await on.exec(argv, { become: true, check: false })).stdout.trim() !== "";
      },
      stopFirst: true,
      // The frontend waits for the backend's docker healthcheck: 5 retries of 2 s interval + 2 s request timeout,
      // after the 5 s start period.
      hangFailsAt: {
        step: "start",
        error:
          /compose up failed: backend \((blue|green)\) is unhealthy.*started again and serves the previous release/,
        withinSeconds: 50,
      },
      healthTimeoutSeconds: HEALTH_TIMEOUT,
    }));
  });

  afterAll(async () => {
    if (!host) return;
    await removeComposeProjects(host, APP, VOLUME);
    await cleanHost(host, APP);
    const repositories = Object.keys(images).map((service) => `e2e-${APP}-${RUN}/duck-${service}`);
    await removeTestImages(host, Object.values(images), repositories);
    await host.close();
  });

  faultMatrix(FAULTS, "f0", () => site);
});
