// e2e-targets: t9
/**
 * D77 on sandbox target t9: runtime container with strategy stop-first (flask-docker, SQLite in a named volume), the
 * CLI killed (SIGKILL) once the new color started and before its gate: the old color is stopped, the new one runs
 * (its docker-proxy holds its port). The next plain deploy must not take that container's own proxy for a squatter:
 * it converges, and a rollback after it works (the shared driver in fault-support.ts). Then a release whose health
 * endpoint hangs: the gate gives up, stop-old's undo starts the old color again and waits for its health, so the site
 * answers 200 from the old release the moment the failed run returns (it answered 502 once, while the old booted).
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

const APP = "ctkill";
const DOMAIN = "ctkill.e2e.test";
const VOLUME = `${APP}-instance`;
const RUN = randomBytes(4).toString("hex");
const RELEASE_DIR = `${REPO_ROOT}/examples/flask-docker`;
const SECRETS = { SECRET_KEY: "e2e-secret" };
const HEALTH_TIMEOUT = 8;

/** Killed after start (before the gate) and after the gate: the new color's container left running. */
const FAULTS = ["start:after:kill", "gate:after:kill"];

/** flask-docker's slipway.yml for t9: own name, ports, volume and repository; plain http; a fast health gate. */
function writeConfig(): string {
  const file = writeOverlay("flask-docker", {
    app: APP,
    domain: DOMAIN,
    target: "t9",
    ports: {},
    healthTimeout: `${HEALTH_TIMEOUT}s`,
  });
  const config = parse(readFileSync(file, "utf8"));
  config.image.repository = `e2e-${APP}-${RUN}/flask`;
  config.services.backend.ports = { blue: 5477, green: 15477 };
  config.strategy = "stop-first";
  config.services.backend.volumes = [`${VOLUME}:/app/instance`];
  config.services.backend.health.request_timeout = "2s";
  config.database = { engine: "sqlite", volume: VOLUME, path: "notes.db" };
  config.tls = { enabled: false };
  writeFileSync(file, stringify(config));
  return file;
}

describe("D77: a stop-first run killed before its gate (flask-docker on t9, runtime container)", () => {
  let host: RemoteHost;
  let images: Record<string, string> = {};
  let site: FaultSite;

  beforeAll(async () => {
    host = await connectTarget("t9");
    await cleanHost(host, APP);
    await host.exec(["docker", "volume", "rm", "--force", VOLUME], { become: true, check: false });
    const file = writeConfig();
    ({ site, images } = await deployFaultSite(host, {
      app: APP,
      domain: DOMAIN,
      target: "t9",
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
      stopFirst: true,
    }));
  });

  afterAll(async () => {
    if (!host) return;
    await cleanHost(host, APP);
    await host.exec(["docker", "volume", "rm", "--force", VOLUME], { become: true, check: false });
    await removeTestImages(host, Object.values(images), [`e2e-${APP}-${RUN}/flask-backend`]);
    await host.close();
  });

  // The kills, the rollback, then the hang: a stop-first deploy that fails at the gate leaves the old release serving.
  faultMatrix(FAULTS, "f0", () => site);
});
