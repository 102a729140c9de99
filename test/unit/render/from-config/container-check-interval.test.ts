/**
 * How often docker runs a compose service's container check: the gate's interval only where something waits on
 * docker's verdict, docker's own 30 s elsewhere (a check runs for the container's whole life), and
 * `health.container_interval` when set.
 */
import { describe, expect, it } from "vitest";
import type { ServiceConfig } from "../../../../src/config/schema.js";
import {
  accessoriesComposeFromConfig,
  composeFromConfig,
  composeUpBoundSeconds,
  containerCheckInterval,
} from "../../../../src/render/from-config/compose.js";
import { configWith } from "./config.js";

const digest = (n: string) => `10.213.0.1:5000/shop-${n}@sha256:${"ab".repeat(32)}`;
const python = { path: "/health", container_check: "python" };

function shop(extra: Record<string, unknown> = {}) {
  return configWith({
    runtime: "compose",
    services: {
      api: { build: { context: "api" }, port: 5001, health: python },
      web: { build: { context: "web" }, port: 8050, depends_on: ["api"], health: { ...python, ...extra } },
      worker: { image_from: "api", command: ["python3", "w.py"], health: { container_check: ["/bin/true"] } },
      cron: { image_from: "api", port: 5002, health: { ...python, type: "running" } },
      db: { image: "postgres:16", port: 5432, accessory: true, health: { container_check: ["pg_isready", "-q"] } },
    },
    proxy: { domains: ["shop.example.com"], routes: [{ path: "/", service: "web" }] },
  });
}

/** api's container check is waited on: web `depends_on` it. */
const waited = (health: Record<string, unknown>) =>
  configWith({
    runtime: "compose",
    services: {
      api: { build: { context: "api" }, port: 5001, health: { ...python, ...health } },
      web: { build: { context: "web" }, port: 8050, depends_on: ["api"] },
    },
  });

const images = { api: digest("api"), web: digest("web"), db: "postgres:16" };

function checks(config = shop()) {
  const model = composeFromConfig(config, { color: "blue", images });
  const accessories = accessoriesComposeFromConfig(config, images);
  const all = [...model.services, ...(accessories?.services ?? [])];
  return Object.fromEntries(all.map((s) => [s.name, s.healthcheck && [s.healthcheck.interval, s.healthcheck.retries]]));
}

describe("container check interval (compose)", () => {
  it("keeps the gate's interval where docker's verdict is waited on, 30 s for a port the gate polls", () => {
    // api: web depends on it; worker and cron: a running gate; db: an accessory, started and waited for first.
    // web: nothing waits on its check. retries = ceil(timeout 60 s / interval).
    expect(checks()).toEqual({
      api: ["2s", 30],
      web: ["30s", 2],
      worker: ["2s", 30],
      cron: ["2s", 30],
      db: ["2s", 30],
    });
  });

  it("takes health.container_interval as written, and the up bound counts the rendered interval", () => {
    expect(checks(shop({ container_interval: "10s" })).web).toEqual(["10s", 6]);
    const config = shop();
    const api = config.services.api as ServiceConfig;
    api.health = { ...(api.health as NonNullable<ServiceConfig["health"]>), container_interval: "5s" };
    expect(checks(config).api).toEqual(["5s", 12]);
    // api is waited on: 0 s start_period + 12 retries x (5 s interval + 5 s request timeout).
    expect(composeUpBoundSeconds(config).health).toEqual([
      "api: 0 s start_period + 12 retries x (5 s interval + 5 s timeout) = 120 s",
    ]);
  });

  it("keeps the gate's interval for every service of runtime swarm (its updates wait for each task's health)", () => {
    const config = { ...shop(), runtime: "swarm" as const };
    const web = config.services.web as ServiceConfig;
    expect(containerCheckInterval(config, "web", web.health as NonNullable<ServiceConfig["health"]>)).toBe("2s");
  });

  it("validate refuses an interval under 1 s, and one where no container check runs, with the key", () => {
    expect(() => shop({ container_interval: "500ms" })).toThrow(
      "services.web.health.container_interval: expected 1s or more: each check starts a process in the container",
    );
    expect(() => shop({ container_check: "none", container_interval: "10s" })).toThrow(
      "services.web.health.container_interval: no container check runs for this service: set `health.container_check`, or remove it",
    );
    const systemd = () =>
      configWith({
        services: {
          api: { build: { context: "api" }, port: 5001, systemd: { app_module: "api:app" } },
          web: {
            build: { context: "web" },
            port: 8050,
            systemd: { app_module: "web:app" },
            health: { container_interval: "10s" },
          },
        },
      });
    expect(systemd).toThrow(
      "services.web.health.container_interval: runtime systemd runs no container check of Slipway's (an image's own HEALTHCHECK keeps its own interval): remove it",
    );
  });

  it("validate refuses, where something waits on docker's verdict, an interval at or above health.timeout", () => {
    expect(() => waited({ container_interval: "60s" })).toThrow(
      "services.api.health.container_interval: services.web.depends_on (compose up waits for it) waits on docker's verdict, whose first check comes one interval after the start: at 60s it comes after health.timeout (60s); set it below that",
    );
    expect(() => waited({ container_interval: "59s" })).not.toThrow();
    // Nothing waits on web's check: a long interval is only a late `unhealthy` in docker's own status.
    expect(() => shop({ container_interval: "5m" })).not.toThrow();
  });

  it("counts the retries from the interval docker runs, not rounded up (1500ms: 40 for 60 s, not 30)", () => {
    expect(checks(shop({ container_interval: "1500ms" })).web).toEqual(["1500ms", 40]);
    expect(checks(shop({ container_interval: "2500ms" })).web).toEqual(["2500ms", 24]);
    expect(checks(shop({ container_interval: "7s" })).web).toEqual(["7s", 9]);
  });

  it("validate holds health.interval to the same bound where docker checks at it (no container_interval)", () => {
    expect(() => waited({ interval: "30s", timeout: "5s" })).toThrow(
      "services.api.health.interval: services.web.depends_on (compose up waits for it) waits on docker's verdict, and without health.container_interval docker checks at this interval: its first check (one interval after the start) comes after health.timeout (5s); set it below that, or set health.container_interval",
    );
    expect(() => waited({ interval: "30s", timeout: "5s", container_interval: "2s" })).not.toThrow();
    expect(() => waited({ interval: "4s", timeout: "5s" })).not.toThrow();
    // Nothing waits on web's check: its container check runs every 30 s, the gate polls the port.
    expect(() => shop({ interval: "30s", timeout: "5s" })).not.toThrow();
  });
});
