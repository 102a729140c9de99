/** What Slipway assumes about an image: nothing it was not told (health tool, port, env text). */
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../../../src/config/load.js";
import { dependencyUrls } from "../../../../src/render/from-config/common.js";
import { composeFromConfig, envFileFromConfig } from "../../../../src/render/from-config/index.js";
import { configWith } from "./config.js";

const digest = `sha256:${"a".repeat(64)}`;

function composeWith(health: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}) {
  const config = configWith({
    runtime: "compose",
    services: {
      api: { image: "ghcr.io/acme/go-api:1", port: 8000, ...(health ? { health } : {}), ...extra },
      web: { image: "nginx:1.27", port: 8080, depends_on: ["api"] },
    },
    proxy: { routes: [{ path: "/", service: "web" }] },
  });
  return composeFromConfig(config, { color: "blue", images: { api: `go-api@${digest}`, web: `nginx@${digest}` } });
}

describe("compose healthchecks use what the image has", () => {
  it("by default none: the deploy's gate polls from the host; dependents wait for the start only", () => {
    const model = composeWith({ path: "/healthz" });
    expect(model.services[0]?.healthcheck).toBeUndefined();
    expect(model.services[1]?.dependsOn).toEqual([{ service: "api", condition: "service_started" }]);
  });

  it("curl, wget or a command of the image's own; dependents then wait for healthy", () => {
    const curl = composeWith({ path: "/healthz", request_timeout: "3s", container_check: "curl" });
    expect(curl.services[0]?.healthcheck?.test).toEqual([
      "CMD",
      "curl",
      "-fsS",
      "-o",
      "/dev/null",
      "--max-time",
      "3",
      "http://127.0.0.1:8000/healthz",
    ]);
    expect(curl.services[1]?.dependsOn).toEqual([{ service: "api", condition: "service_healthy" }]);
    const wget = composeWith({ path: "/", container_check: "wget" });
    expect(wget.services[0]?.healthcheck?.test).toEqual([
      "CMD",
      "wget",
      "-q",
      "-O",
      "/dev/null",
      "-T",
      "5",
      "http://127.0.0.1:8000/",
    ]);
    const own = composeWith({ container_check: ["/app/healthcheck", "--port", "8000"] });
    expect(own.services[0]?.healthcheck?.test).toEqual(["CMD", "/app/healthcheck", "--port", "8000"]);
  });

  it("curl and wget cannot check a body: validate says so at the key", () => {
    expect(() => composeWith({ expected_body: "ok", container_check: "curl" })).toThrow(
      "services.api.health.container_check: curl checks for a 2xx answer only, not `expected_status`/`expected_body` (use container_check: python, or a command as a list)",
    );
  });
});

describe("env values keep the text written in YAML", () => {
  it("3.10, 0755, 1e3 and a 20-digit id arrive as written, in the base and in an overlay", () => {
    const text = `app: shop
runtime: container
services:
  api:
    image: ghcr.io/acme/api:1
    port: 8000
    env: { PYTHON_VERSION: 3.10, UMASK: 0755, LIMIT: 1e3, ACCOUNT_ID: 12345678901234567890, DEBUG: true }
inventory: { hosts: { a: { address: 10.213.0.11 } } }
proxy: { routes: [{ path: /, service: api }] }
environments:
  staging:
    services: { api: { env: { PYTHON_VERSION: 3.20 } } }
`;
    const base = parseConfigText(text, "slipway.yml");
    expect(base.services.api?.env).toEqual({
      PYTHON_VERSION: "3.10",
      UMASK: "0755",
      LIMIT: "1e3",
      ACCOUNT_ID: "12345678901234567890",
      DEBUG: true,
    });
    const env = envFileFromConfig(base, "api", "blue", {}, { runtimeFormat: true });
    expect(env.content).toContain(
      "PYTHON_VERSION=3.10\nUMASK=0755\nLIMIT=1e3\nACCOUNT_ID=12345678901234567890\nDEBUG=true\n",
    );
    const staging = parseConfigText(text, "slipway.yml", { environment: "staging" });
    expect(staging.services.api?.env.PYTHON_VERSION).toBe("3.20");
  });
});

describe("a service reaches its dependencies of the same color", () => {
  const services = {
    api: { build: { context: "api" }, port: 5001, systemd: { app_module: "api:app" } },
    "web-ui": { build: { context: "web" }, port: 8050, depends_on: ["api"], systemd: { app_module: "web:app" } },
  };

  it("systemd: the dependency's port of that color on loopback, in the env file", () => {
    const config = configWith({ services, proxy: { routes: [{ path: "/", service: "web-ui" }] } });
    expect(dependencyUrls(config, "web-ui", "blue")).toEqual({ SLIPWAY_API_URL: "http://127.0.0.1:5001" });
    const green = envFileFromConfig(config, "web-ui", "green", {}, { runtimeFormat: true });
    expect(green.content).toContain('SLIPWAY_COLOR="green"\nSLIPWAY_API_URL="http://127.0.0.1:15001"\n');
  });

  it("compose: the service name and container port on the color's project network; container: nothing", () => {
    const images = { api: `api@${digest}`, "web-ui": `web@${digest}` };
    const compose = configWith({
      runtime: "compose",
      services: { api: { image: "api:1", port: 5001 }, "web-ui": { image: "web:1", port: 8050, depends_on: ["api"] } },
      proxy: { routes: [{ path: "/", service: "web-ui" }] },
    });
    const model = composeFromConfig(compose, { color: "green", images });
    expect(model.services[1]?.environment).toEqual({
      PORT: "8050",
      SLIPWAY_COLOR: "green",
      SLIPWAY_API_URL: "http://api:5001",
    });
    const container = configWith({
      runtime: "container",
      services: { api: { image: "api:1", port: 5001 }, "web-ui": { image: "web:1", port: 8050, depends_on: ["api"] } },
      proxy: { routes: [{ path: "/", service: "web-ui" }] },
    });
    expect(dependencyUrls(container, "web-ui", "blue")).toEqual({});
  });
});

describe("env references another service of the same color (seed 000's BACKEND_URL)", () => {
  const ref = "${service:api.url}";
  const env = {
    BACKEND_URL: ref,
    API_HOST_PORT: "${service:api.host}:${service:api.port}",
    MODE: "internal",
  };

  it("systemd: blue's frontend reaches blue's backend, green's reaches green's, in the env file", () => {
    const config = configWith({
      services: {
        api: { build: { context: "api" }, port: 5001, systemd: { app_module: "api:app" } },
        web: { build: { context: "web" }, port: 8050, env, systemd: { app_module: "web:app" } },
      },
    });
    const blue = envFileFromConfig(config, "web", "blue", {}, { runtimeFormat: true });
    expect(blue.content).toContain(
      'BACKEND_URL="http://127.0.0.1:5001"\nAPI_HOST_PORT="127.0.0.1:5001"\nMODE="internal"\n',
    );
    const green = envFileFromConfig(config, "web", "green", {}, { runtimeFormat: true });
    expect(green.content).toContain(
      'BACKEND_URL="http://127.0.0.1:15001"\nAPI_HOST_PORT="127.0.0.1:15001"\nMODE="internal"\n',
    );
  });

  it("compose: the service name and container port, the same in both colors' projects", () => {
    const config = configWith({
      runtime: "compose",
      services: { api: { image: "api:1", port: 5001 }, web: { image: "web:1", port: 8050, env } },
      proxy: { routes: [{ path: "/", service: "web" }] },
    });
    const images = { api: `api@${digest}`, web: `web@${digest}` };
    for (const color of ["blue", "green"] as const) {
      expect(composeFromConfig(config, { color, images }).services[1]?.environment).toEqual({
        PORT: "8050",
        BACKEND_URL: "http://api:5001",
        API_HOST_PORT: "api:5001",
        MODE: "internal",
        SLIPWAY_COLOR: color,
      });
    }
  });

  it("text that is not a reference arrives as written", () => {
    const config = configWith({
      services: {
        api: { build: { context: "api" }, port: 5001, systemd: { app_module: "api:app" } },
        web: {
          build: { context: "web" },
          port: 8050,
          env: { GREETING: "${HOME} and $service:api.url" },
          systemd: { app_module: "web:app" },
        },
      },
    });
    expect(envFileFromConfig(config, "web", "blue", {}, { runtimeFormat: true }).content).toContain(
      'GREETING="\\${HOME} and \\$service:api.url"\n',
    );
  });
});
