/** The stack file of runtime swarm (src/render/swarm-stack.ts, from-config/swarm.ts), by exact value. */
import { describe, expect, it } from "vitest";
import { stackFromConfig } from "../../../src/render/from-config/swarm.js";
import { buildStackObject, renderStack, stackName } from "../../../src/render/swarm-stack.js";
import { configWith } from "./from-config/config.js";

const digest = (name: string) => `10.213.0.1:5000/shop-${name}@sha256:${"a".repeat(64)}`;
const config = () =>
  configWith({
    runtime: "swarm",
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
          ports: [{ target: 5001, published: 15001, protocol: "tcp", mode: "host" }],
          environment: ["PORT=5001", "MODE=x$$y", "SLIPWAY_COLOR=green"],
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
          secrets: [{ source: "shop_api_SECRET_KEY_0123abcd", target: "SECRET_KEY", mode: 0o400 }],
        },
      },
      secrets: { shop_api_SECRET_KEY_0123abcd: { external: true } },
    });
  });

  it("writes a file that names its stack and keeps secrets' values out (only their names)", () => {
    const text = renderStack(stackFromConfig(config(), { color: "blue", images: { api: digest("api") } }));
    expect(text.startsWith('# Managed by Slipway: stack shop-blue.\nversion: "3.8"\n')).toBe(true);
    expect(text).toContain("published: 5001");
    expect(text).toContain("mode: host");
    expect(text).not.toContain("env_file");
  });
});
