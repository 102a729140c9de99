/**
 * D67: a service without `port` is a worker (seed 004's process-pool workers, a queue consumer). It is valid on its
 * own; every key that would route to it or probe it over HTTP is refused at that key, with line:col.
 */
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfigText } from "../../../src/config/load.js";

const WEB = { build: { context: "." }, port: 8000 };
const WORKER = { image_from: "web", command: ["python3", "worker.py"] };

function config(overrides: Record<string, unknown> = {}, worker: Record<string, unknown> = {}) {
  return {
    app: "shop",
    runtime: "compose",
    services: { web: WEB, worker: { ...WORKER, ...worker } },
    inventory: { hosts: { a: { address: "10.213.0.11" } } },
    proxy: { domains: ["shop.example.com"], routes: [{ path: "/", service: "web" }] },
    ...overrides,
  };
}

function problems(doc: Record<string, unknown>): string {
  try {
    parseConfigText(stringify(doc), "/tmp/slipway.yml");
  } catch (e) {
    return String((e as Error).message);
  }
  return "";
}

const WORKER_IS = "services.worker has no `port` (a worker)";

describe("workers (services without port)", () => {
  it("a web service and a worker from its image are valid under container and compose; the worker's health defaults", () => {
    expect(problems(config())).toBe("");
    expect(problems(config({ runtime: "container" }))).toBe("");
    const parsed = parseConfigText(stringify(config({}, { health: {} })), "/tmp/slipway.yml");
    expect(parsed.services.worker?.port).toBeUndefined();
    expect(parsed.services.worker?.health?.stable).toBe("5s");
    expect(parsed.services.worker?.health?.type).toBeUndefined();
    expect(parsed.services.worker?.health?.path).toBeUndefined();
  });

  it("refuses a route, the api subdomain and load balancing to a worker, at the key with line:col", () => {
    const routed = problems(
      config({ proxy: { domains: ["shop.example.com"], routes: [{ path: "/", service: "worker" }] } }),
    );
    expect(routed).toMatch(/slipway\.yml:\d+:\d+: proxy\.routes\[0\]\.service/);
    expect(routed).toContain(
      "services.worker has no `port` (a worker): nginx cannot send requests to it; point this at a service with a port, or give it a `port` if it serves HTTP",
    );
    const sub = problems(
      config({
        proxy: {
          domains: ["shop.example.com"],
          routes: [{ path: "/", service: "web" }],
          api_subdomain: { service: "worker", domain: "api.shop.example.com" },
        },
      }),
    );
    expect(sub).toContain("proxy.api_subdomain.service: services.worker has no `port` (a worker): nginx cannot");
    const lb = problems(
      config({
        proxy: {
          domains: ["shop.example.com"],
          routes: [{ path: "/", service: "web" }],
          load_balance: { worker: { instances: 2 } },
        },
      }),
    );
    expect(lb).toContain(
      "proxy.load_balance.worker: services.worker has no `port` (a worker): load_balance spreads requests over ports",
    );
  });

  it("refuses a ${service:worker.url} reference", () => {
    const doc = config();
    (doc.services as Record<string, Record<string, unknown>>).web = {
      ...WEB,
      env: { WORKER_URL: "${service:worker.url}" },
    };
    expect(problems(doc)).toContain(
      "services.web.env.WORKER_URL: ${service:worker.url}: worker has no `port` (a worker): it has no address to reach; give it a `port` if it serves HTTP",
    );
  });

  it("refuses health.path, type http and a port-probing container check on a worker", () => {
    const path = problems(config({}, { health: { path: "/health" } }));
    expect(path).toMatch(/slipway\.yml:\d+:\d+: services\.worker\.health\.path/);
    expect(path).toContain(
      `${WORKER_IS}: there is no port to poll; remove health.path (the gate waits for the process to stay running for health.stable) or give it a \`port\` if it serves HTTP`,
    );
    expect(problems(config({}, { health: { type: "http" } }))).toContain(
      `services.worker.health.type: ${WORKER_IS}: an HTTP check needs a port; use \`running\``,
    );
    expect(problems(config({}, { health: { container_check: "curl" } }))).toContain(
      `services.worker.health.container_check: ${WORKER_IS}: "curl" polls the port inside the container`,
    );
    expect(problems(config({}, { health: { container_check: ["/app/healthcheck"] } }))).toBe("");
  });

  it("refuses ports and public_port on a worker", () => {
    expect(problems(config({}, { ports: { blue: 9000 } }))).toContain(
      `services.worker.ports: ${WORKER_IS}: the colors' host ports need \`port\``,
    );
  });

  it("refuses a stable window not shorter than the timeout", () => {
    expect(problems(config({}, { health: { stable: "60s" } }))).toContain(
      "services.worker.health.stable: the process must stay running for 60s, not less than health.timeout 60s: every deploy would fail; lower stable or raise timeout",
    );
    expect(problems(config({}, { health: { stable: "10s", timeout: "30s" } }))).toBe("");
  });

  it("refuses a worker under runtime systemd and swarm with the reason", () => {
    const systemd = problems(
      config({
        runtime: "systemd",
        services: {
          web: { build: { context: "." }, port: 8000, systemd: { app_module: "app:app" } },
          worker: { build: { context: "." }, systemd: { app_module: "worker:app" } },
        },
      }),
    );
    expect(systemd).toContain(
      `services.worker: ${WORKER_IS}: runtime systemd runs only services with a port (systemd starts gunicorn/uvicorn on it; swarm's workers are not supported yet); add \`port\`, or use runtime container or compose for a worker`,
    );
  });
});
