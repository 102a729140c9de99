// e2e-targets: t2
/**
 * Fault injection on sandbox target t2 for runtime container (flask-docker, SQLite in a named volume): the
 * SIGKILL/SIGTERM step boundaries of the systemd matrix (faults.test.ts, shared driver in fault-support.ts) where the
 * runtime's state differs, each
 * followed by a plain deploy of the same release that converges, then a rollback and a health endpoint that hangs.
 * The image is built and pushed once (the first deploy); every later deploy names it by digest.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe } from "vitest";
import { parse, stringify } from "yaml";
import { loadConfig } from "../../../src/config/index.js";
import { containerName } from "../../../src/deploy/container/run-spec.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT } from "../support/sandbox.js";
import { deployFaultSite } from "./fault-site.js";
import { type FaultSite, faultMatrix } from "./fault-support.js";
import { cleanHost, connectTarget, removeTestImages, viaNginx, writeOverlay } from "./support.js";

const APP = "ctfault";
const DOMAIN = "ctfault.e2e.test";
const VOLUME = `${APP}-instance`;
const RUN = randomBytes(4).toString("hex");
const RELEASE_DIR = `${REPO_ROOT}/examples/flask-docker`;
const SECRETS = { SECRET_KEY: "e2e-secret" };
const HEALTH_TIMEOUT = 8;

/**
 * The boundaries after which the runtime's own state differs: nothing started (backup), the new color started and
 * nginx not switched (start), switched with both colors running (switch), the old color stopped (retire); SIGTERM where
 * the undo chain runs the runtime's stop. A kill after lock, preview, verify or record leaves the runtime as one of
 * these does and differs only in Slipway's own files and nginx, which faults.test.ts (systemd) covers at every boundary.
 */
const FAULTS = [
  "backup:after:kill",
  "start:after:kill",
  "switch:after:kill",
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
  let images: Record<string, string> = {};
  let site: FaultSite;

  beforeAll(async () => {
    host = await connectTarget("t2");
    await cleanHost(host, APP);
    await host.exec(["docker", "volume", "rm", "--force", VOLUME], { become: true, check: false });
    const file = writeConfig();
    ({ site, images } = await deployFaultSite(host, {
      app: APP,
      domain: DOMAIN,
      target: "t2",
      releaseDir: RELEASE_DIR,
      file,
      config: await loadConfig(file),
      secrets: SECRETS,
      pinImages: true,
      healthPath: "/api/health",
      writeRow: (address, title) => viaNginx(address, DOMAIN, "/api/notes", "POST", JSON.stringify({ title })),
      rows: async (address) =>
        JSON.parse((await viaNginx(address, DOMAIN, "/api/notes")).body).notes.map((n: { title: string }) => n.title),
      running: async (on, color) => {
        const argv = ["docker", "inspect", "--format", "{{.State.Running}}", containerName(APP, "backend", color)];
        return (await on.exec(argv, { become: true, check: false })).stdout.trim() === "true";
      },
      healthTimeoutSeconds: HEALTH_TIMEOUT,
    }));
  });

  afterAll(async () => {
    if (!host) return;
    await cleanHost(host, APP);
    await host.exec(["docker", "volume", "rm", "--force", VOLUME], { become: true, check: false });
    await removeTestImages(host, Object.values(images), [`e2e-${APP}-${RUN}/flask-backend`]);
    await host.close();
  });

  faultMatrix(FAULTS, "f0", () => site);
});
