/** D53: a health block every deploy would fail is refused by validate at the key (the streak is interval-spaced, D51). */
import { describe, expect, it } from "vitest";
import { formatIssue } from "../../../src/config/issues.js";
import { validateConfigText } from "../../../src/config/load.js";
import { durationMs } from "../../../src/config/schema/primitives.js";
import { configWith } from "../render/from-config/config.js";

function problems(health: Record<string, unknown>): string {
  try {
    configWith({
      runtime: "container",
      services: { api: { image: "ghcr.io/acme/api:1", port: 5001, health } },
      proxy: { domains: ["x.example.com"], routes: [{ path: "/", service: "api" }] },
    });
  } catch (e) {
    return String((e as Error).message);
  }
  return "";
}

describe("health timing", () => {
  it("durations in ms", () => {
    expect([durationMs("500ms"), durationMs("3s"), durationMs("2m"), durationMs("1h")]).toEqual([
      500, 3000, 120_000, 3_600_000,
    ]);
    expect(durationMs("soon")).toBeNaN();
  });

  it("refuses a zero timeout and a streak that cannot end before the timeout, at the key", () => {
    expect(problems({ timeout: "0s" })).toContain(
      "services.api.health.timeout: expected a timeout above 0: the health gate would fail every deploy",
    );
    expect(problems({ interval: "5s", consecutive_successes: 10, timeout: "10s" })).toContain(
      "services.api.health.consecutive_successes: 10 healthy answers 5s apart take 45s, not less than timeout 10s: every deploy would fail; lower consecutive_successes or interval, or raise timeout",
    );
    expect(problems({ interval: "5s", consecutive_successes: 3, timeout: "10s" })).toContain(
      "3 healthy answers 5s apart take 10s, not less than timeout 10s",
    );
  });

  it("accepts a streak that fits, one answer whatever the interval, and the defaults", () => {
    expect(problems({ interval: "3s", consecutive_successes: 3, timeout: "12s" })).toBe("");
    expect(problems({ interval: "30s", timeout: "5s" })).toBe("");
    expect(problems({})).toBe("");
  });

  it("refuses an interval under 1s at file:line:col with the key, in the base and in an environment", () => {
    const text = `app: shop
runtime: compose
services:
  api:
    build: { context: api }
    port: 5001
    health: { path: /health, interval: 999ms, container_check: python }
  web:
    build: { context: web }
    port: 8050
    depends_on: [api]
inventory:
  hosts:
    h1: { address: 10.0.0.1 }
proxy:
  routes:
    - { path: /, service: web }
environments:
  fast:
    services: { api: { health: { interval: 0s } } }
  ok:
    services: { api: { health: { interval: 1s } } }
`;
    const why =
      "expected 1s or more: the gate's first polls come every 100 ms whatever the interval, and it waits whole seconds (at least 1) between the later ones; where something waits on docker's container check, this is that check's interval too";
    expect(validateConfigText(text, "slipway.yml").issues.map(formatIssue)).toEqual([
      `slipway.yml:7:40: services.api.health.interval: ${why}, found "999ms"`,
      `slipway.yml:20:44: environments.fast.services.api.health.interval: ${why}, found "0s"`,
    ]);
    const fixed = validateConfigText(
      text.replace("999ms", "1s").replace("interval: 0s", "interval: 2s"),
      "slipway.yml",
    );
    expect(fixed.issues).toEqual([]);
    expect(fixed.configs.map((c) => c.services.api?.health?.interval)).toEqual(["1s", "2s", "1s"]);
  });
});
