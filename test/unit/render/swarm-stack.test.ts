/** The stack file of runtime swarm (src/render/swarm-stack.ts, from-config/swarm.ts), by exact value. */
import { describe, expect, it } from "vitest";
import { accessoriesStackFromConfig, stackFromConfig } from "../../../src/render/from-config/swarm.js";
import { buildStackObject, renderStack, stackName } from "../../../src/render/swarm-stack.js";
import { configWith } from "./from-config/config.js";

const digest = (name: string) => `10.213.0.1:5000/shop-${name}@sha256:${"a".repeat(64)}`;
const config = () =>
  configWith({
    runtime: "swarm",
    image: { registry: "10.213.0.1:5000" },
    services: {
      api: {
        image: "10.213.0.1:5000/shop-api",
        port: 5001,
        env: { MODE: "x$y" },
        secrets: ["SECRET_KEY"],
        resources: { memory: "256M", cpus: 0.5 },
        swarm: {
          replicas: 2,
          placement: ["node.role == worker"],
          max_replicas_per_node: 1,
          update: { order: "stop-first" },
        },
      },
    },
    proxy: { routes: [{ path: "/", service: "api" }] },
  });

/** web, and a Postgres accessory pinned by label with its volume; `db` replaces keys of the accessory. */
const withDb = (db: Record<string, unknown> = {}) =>
  configWith({
    runtime: "swarm",
    image: { registry: "10.213.0.1:5000" },
    services: {
      web: { image: "10.213.0.1:5000/shop-web", port: 8000 },
      db: {
        image: "10.213.0.1:5000/shop-db",
        port: 5432,
        accessory: true,
        volumes: ["pgdata:/var/lib/postgresql/data"],
        swarm: { placement: ["node.labels.db == true"] },
        ...db,
      },
    },
    proxy: { routes: [{ path: "/", service: "web" }] },
  });

describe("swarm stack file", () => {
  it("publishes the color's port in host mode and puts the engine's settings under deploy", () => {
    const model = stackFromConfig(config(), {
      color: "green",
      images: { api: digest("api") },
      secretNames: { api: { SECRET_KEY: "shop_api_SECRET_KEY_0123abcd" } },
    });
    expect(stackName(model.compose)).toBe("shop-green");
    expect(buildStackObject(model)).toEqual({
      version: "3.8",
      services: {
        api: {
          image: digest("api"),
          labels: { "com.docker.compose.project": "shop-green", "com.docker.compose.service": "api" },
          logging: { driver: "json-file", options: { "max-size": "10m", "max-file": "5" } },
          ports: [{ target: 5001, published: 15001, protocol: "tcp", mode: "host" }],
          // D49: the secret's file path in SECRET_KEY_FILE, never its value.
          environment: ["PORT=5001", "MODE=x$$y", "SLIPWAY_COLOR=green", "SECRET_KEY_FILE=/run/secrets/SECRET_KEY"],
          deploy: {
            mode: "replicated",
            replicas: 2,
            placement: { constraints: ["node.role == worker"], max_replicas_per_node: 1 },
            update_config: {
              parallelism: 1,
              delay: "0s",
              order: "stop-first",
              monitor: "10s",
              failure_action: "rollback",
            },
            rollback_config: {
              parallelism: 1,
              delay: "0s",
              order: "start-first",
              monitor: "10s",
              failure_action: "pause",
            },
            restart_policy: { condition: "any", delay: "2s" },
            resources: { limits: { memory: "256M", cpus: "0.5" } },
          },
          secrets: [{ source: "shop_api_SECRET_KEY_0123abcd", target: "SECRET_KEY", mode: 0o444 }],
          // stop_timeout (default 10s): what a task gets between SIGTERM and SIGKILL when swarm stops it.
          stop_grace_period: "10s",
        },
      },
      secrets: { shop_api_SECRET_KEY_0123abcd: { external: true } },
    });
  });

  it("a SECRET_KEY_FILE the service's env sets is kept (D49)", () => {
    const cfg = config();
    const api = cfg.services.api as (typeof cfg.services)[string];
    const own = { ...cfg, services: { api: { ...api, env: { ...api.env, SECRET_KEY_FILE: "/run/secrets/other" } } } };
    const env = buildStackObject(stackFromConfig(own, { color: "blue", images: { api: digest("api") } })).services;
    expect((env as Record<string, { environment: string[] }>).api?.environment).toEqual([
      "PORT=5001",
      "MODE=x$$y",
      "SECRET_KEY_FILE=/run/secrets/other",
      "SLIPWAY_COLOR=blue",
    ]);
  });

  it("writes a file that names its stack and keeps secrets' values out (only their names)", () => {
    const text = renderStack(stackFromConfig(config(), { color: "blue", images: { api: digest("api") } }));
    expect(text.startsWith('# Managed by Slipway: stack shop-blue.\nversion: "3.8"\n')).toBe(true);
    expect(text).toContain("published: 5001");
    expect(text).toContain("mode: host");
    expect(text).not.toContain("env_file");
  });

  it("runs the accessories in their own stack, pinned, on the overlay network the colors join", () => {
    const cfg = withDb();
    const model = accessoriesStackFromConfig(cfg, { images: { db: digest("db") } });
    const object = buildStackObject(model as NonNullable<typeof model>) as Record<string, Record<string, unknown>>;
    expect(stackName((model as NonNullable<typeof model>).compose)).toBe("shop-accessories");
    const db = object.services?.db as Record<string, unknown>;
    expect(db.ports).toBeUndefined();
    expect(db.labels).toEqual({ "com.docker.compose.project": "shop-accessories", "com.docker.compose.service": "db" });
    expect((db.deploy as Record<string, unknown>).placement).toEqual({ constraints: ["node.labels.db == true"] });
    expect(object.networks).toEqual({ default: { name: "shop-accessories", driver: "overlay" } });
    const color = buildStackObject(stackFromConfig(cfg, { color: "blue", images: { web: digest("web") } }));
    expect(color.networks).toEqual({ accessories: { name: "shop-accessories", external: true } });
    expect(accessoriesStackFromConfig(config(), { images: {} })).toBeNull();
  });

  it("updates and rolls back an accessory with a volume stop-first; validate refuses start-first there", () => {
    const accessory = (volumes: string[], order?: string) =>
      withDb({ volumes, swarm: { placement: ["node.labels.db == true"], update: { order }, rollback: { order } } });
    const orders = (volumes: string[], order?: string) => {
      const db = accessoriesStackFromConfig(accessory(volumes, order), { images: { db: digest("db") } })?.swarm.db;
      return [db?.update.order, db?.rollback.order];
    };
    const data = ["pgdata:/var/lib/postgresql/data"];
    expect(orders(data)).toEqual(["stop-first", "stop-first"]);
    expect(() => orders(data, "start-first")).toThrow(
      "services.db.swarm.update.order: an accessory with a volume runs stop-first: start-first would run a second database server on the same data directory; remove it (or set stop-first)",
    );
    // No data of its own (a cache): two tasks at once harm nothing, the default and the order asked for stand.
    expect(orders([])).toEqual(["start-first", "start-first"]);
    expect(orders([], "stop-first")).toEqual(["stop-first", "stop-first"]);
  });
});
