/**
 * A runtime swarm app staged on a scripted manager, shared by the stage's own test (swarm-staged.test.ts) and the
 * render tests that check `slipway render` shows what the stage writes.
 */
import type { SlipwayConfig } from "../../../../src/config/index.js";
import { swarmRuntime } from "../../../../src/deploy/swarm-runtime.js";
import { FakeHost } from "../../engine/fake-host.js";
import { configWith } from "../../render/from-config/config.js";

const digest = (c: string) => `sha256:${c.repeat(64)}`;

/** web (a secret, a container check, 2 replicas), api (web's image, its own command), a Postgres accessory. */
export function swarmShop(): SlipwayConfig {
  return configWith({
    runtime: "swarm",
    image: { registry: "10.213.0.1:5000" },
    services: {
      web: {
        build: { context: "." },
        port: 8000,
        env: { MODE: "prod" },
        secrets: ["KEY"],
        depends_on: ["db"],
        health: { path: "/health", container_check: "python" },
        swarm: { replicas: 2 },
        resources: { memory: "256M" },
      },
      api: { image_from: "web", port: 8001, command: ["gunicorn", "api:app"] },
      db: {
        image: "postgres:16",
        port: 5432,
        accessory: true,
        volumes: ["pg:/var/lib/postgresql/data"],
        secrets: ["PGPASS"],
        swarm: { placement: ["node.hostname == t5"] },
      },
    },
    proxy: {
      domains: ["shop.example.com"],
      routes: [
        { path: "/api/", service: "api" },
        { path: "/", service: "web" },
      ],
    },
  });
}

export const SWARM_IMAGES: Readonly<Record<string, string>> = {
  web: `10.213.0.1:5000/shop-web@${digest("a")}`,
  db: `postgres:16@${digest("c")}`,
};
export const SWARM_SECRETS: Readonly<Record<string, string>> = { KEY: "k-value", PGPASS: "pg-value" };

/** A manager where every service of every stack runs all its replicas. */
function swarmManager(): FakeHost {
  return new FakeHost("t4", (argv) => {
    if (argv.join(" ").startsWith("docker service ls")) {
      return { stdout: "shop-accessories_db 1/1\nshop-green_web 2/2\nshop-green_api 1/1\n" };
    }
    return undefined;
  });
}

/** Stages `color` on a fresh manager; returns each file written (release manifests aside): path -> mode and content. */
export async function stagedSwarmFiles(config: SlipwayConfig, color: "blue" | "green"): Promise<Map<string, string>> {
  const host = swarmManager();
  await swarmRuntime(config, host).stage(color, {
    releaseId: "r1",
    env: {},
    images: SWARM_IMAGES,
    secrets: SWARM_SECRETS,
    check: false,
  });
  const written = new Map<string, string>();
  for (const c of host.commands) {
    const path = c.argv[1] as string;
    if (c.argv[0] !== "<putFile>" || path.includes("/releases/")) continue;
    const node = host.files.get(path);
    written.set(path, `${node?.mode} ${node?.content}`);
  }
  return written;
}
