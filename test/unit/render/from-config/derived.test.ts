/**
 * The values `slipway config` fills in that the config leaves unset: the interval docker runs each container check
 * at, read from the renderer's own rule (containerCheckSchedule), so it is the one the compose and stack files get.
 */
import { describe, expect, it } from "vitest";
import type { SlipwayConfig } from "../../../../src/config/schema.js";
import { composeFromConfig } from "../../../../src/render/from-config/compose.js";
import { derivedValues, withDerivedValues } from "../../../../src/render/from-config/derived.js";
import { stackFromConfig } from "../../../../src/render/from-config/swarm.js";
import { configWith } from "./config.js";

const python = { path: "/health", container_check: "python" };
const WAITED = "health.interval, as services.web.depends_on (compose up waits for it) waits on docker's verdict";
const UNWAITED = "docker's default, as nothing waits on this check (the http gate polls the port from the host)";

function shop(runtime: "compose" | "swarm") {
  return configWith({
    runtime,
    image: { registry: "10.0.0.9:5000" },
    services: {
      api: { build: { context: "api" }, port: 5001, health: { ...python, interval: "3s" } },
      web: { build: { context: "web" }, port: 8050, depends_on: ["api"], health: python },
      admin: { build: { context: "admin" }, port: 8060, health: { ...python, container_interval: "10s" } },
      plain: { build: { context: "plain" }, port: 8070 },
    },
  });
}

const images = Object.fromEntries(["api", "web", "admin", "plain"].map((n) => [n, `r/${n}@sha256:${"0".repeat(64)}`]));

/** The interval each service's healthcheck gets in the color's compose model (what the compose file says). */
function rendered(config: SlipwayConfig): Record<string, string | undefined> {
  const model = composeFromConfig(config, { color: "blue", images });
  return Object.fromEntries(model.services.map((s) => [s.name, s.healthcheck?.interval]));
}

describe("derived values (slipway config)", () => {
  it("runtime compose: the gate's interval where depends_on waits, docker's 30 s elsewhere; none where written or unchecked", () => {
    const config = shop("compose");
    expect(derivedValues(config)).toEqual([
      { key: ["services", "api", "health", "container_interval"], value: "3s", from: WAITED },
      { key: ["services", "web", "health", "container_interval"], value: "30s", from: UNWAITED },
    ]);
    expect(rendered(config)).toEqual({ api: "3s", web: "30s", admin: "10s", plain: undefined });
  });

  it("runtime swarm: every checked service at its gate's interval, as the stack file has it", () => {
    const config = shop("swarm");
    const swarm =
      "health.interval, as runtime swarm's update (it waits for each task's health) waits on docker's verdict";
    expect(derivedValues(config)).toEqual([
      { key: ["services", "api", "health", "container_interval"], value: "3s", from: swarm },
      { key: ["services", "web", "health", "container_interval"], value: "2s", from: swarm },
    ]);
    const stack = stackFromConfig(config, { color: "blue", images });
    expect(Object.fromEntries(stack.compose.services.map((s) => [s.name, s.healthcheck?.interval]))).toEqual({
      api: "3s",
      web: "2s",
      admin: "10s",
      plain: undefined,
    });
  });

  it("runtime swarm: the engine's update and rollback order, stop-first for an accessory with a volume", () => {
    const config = configWith({
      runtime: "swarm",
      image: { registry: "10.0.0.9:5000" },
      services: {
        web: { build: { context: "web" }, port: 8050, swarm: { replicas: 2, rollback: { order: "stop-first" } } },
        db: {
          build: { context: "db" },
          port: 5432,
          accessory: true,
          volumes: ["pgdata:/var/lib/postgresql/data"],
          swarm: { placement: ["node.hostname == t4"] },
        },
      },
      proxy: { domains: ["shop.example.com"], routes: [{ path: "/", service: "web" }] },
    });
    const data = "an accessory with a volume: never two servers on one data directory";
    expect(derivedValues(config)).toEqual([
      { key: ["services", "web", "swarm", "update", "order"], value: "start-first", from: "the engine's default" },
      { key: ["services", "db", "swarm", "update", "order"], value: "stop-first", from: data },
      { key: ["services", "db", "swarm", "rollback", "order"], value: "stop-first", from: data },
    ]);
  });

  it("fills a copy, leaving the config itself and what it renders as they were", () => {
    const config = shop("compose");
    const before = rendered(config);
    const { config: filled, derived } = withDerivedValues(config);
    expect(derived).toHaveLength(2);
    expect(Object.values(filled.services).map((s) => s.health?.container_interval)).toEqual([
      "3s",
      "30s",
      "10s",
      undefined,
    ]);
    expect(config.services.api?.health?.container_interval).toBeUndefined();
    expect(config.services.web?.health?.container_interval).toBeUndefined();
    expect(rendered(filled)).toEqual(before);
  });

  it("runtime systemd and container run no container check of Slipway's: nothing derived", () => {
    expect(derivedValues(configWith({}))).toEqual([]);
    expect(
      derivedValues(
        configWith({
          runtime: "container",
          image: { registry: "10.0.0.9:5000" },
          services: { web: { build: { context: "web" }, port: 8050, health: { path: "/" } } },
          proxy: { domains: ["shop.example.com"], routes: [{ path: "/", service: "web" }] },
        }),
      ),
    ).toEqual([]);
  });
});
