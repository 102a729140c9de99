import { describe, expect, it } from "vitest";
import { composeStopArgv } from "../../../../src/commands/compose.js";
import { stopContainersArgv } from "../../../../src/commands/docker.js";
import {
  ConfigMappingError,
  composeFromConfig,
  envFileFromConfig,
  renderFromConfig,
  systemdUnitFromConfig,
  systemdUnitsFromConfig,
} from "../../../../src/render/from-config/index.js";
import { renderSystemdUnit } from "../../../../src/render/systemd.js";
import { timeoutStopSec } from "../../../../src/render/systemd-values.js";
import { configWith } from "./config.js";

const digest = `sha256:${"ab".repeat(32)}`;

function mappingError(fn: () => unknown): ConfigMappingError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigMappingError) return error;
    throw error;
  }
  throw new Error("expected a ConfigMappingError");
}

describe("systemd units from slipway.yml", () => {
  const config = configWith({
    services: {
      api: {
        build: { context: "api" },
        port: 5001,
        env: { DATABASE_PATH: "/var/lib/shop/shop.db" },
        systemd: {
          app_module: "api:app",
          workers: 4,
          timeout: "5m",
          worker_class: "uvicorn.workers.UvicornWorker",
          venv: "/opt/shop/venv",
          user: "shop",
          read_write_paths: ["/srv/uploads"],
        },
        resources: { memory: "2G", cpus: 1.5, nofile: 4096 },
      },
      web: {
        build: { context: "web" },
        port: 8050,
        systemd: { server: "uvicorn", app_module: "web:app" },
        depends_on: ["api"],
      },
    },
    database: { engine: "sqlite", path: "/var/lib/shop/shop.db" },
  });

  it("maps server, user, paths, limits and the database directory", () => {
    expect(systemdUnitFromConfig(config, "api")).toEqual({
      app: "shop",
      service: "api",
      stopTimeoutSeconds: 10,
      description: "shop api (gunicorn)",
      user: "shop",
      group: "shop",
      workingDirectory: "/opt/shop/current/api",
      bindHost: "127.0.0.1",
      server: {
        kind: "gunicorn",
        binary: "/opt/shop/venv/bin/gunicorn",
        app: "api:app",
        workers: 4,
        timeoutSeconds: 300,
        extraArgs: ["--worker-class", "uvicorn.workers.UvicornWorker"],
      },
      environmentFileDir: "/opt/shop/env",
      environment: {},
      restart: "always",
      restartSeconds: 5,
      readWritePaths: ["/srv/uploads", "/var/lib/shop"],
      memoryMax: "2G",
      cpuQuota: "150%",
      limitNofile: 4096,
      after: [],
      wants: [],
    });
  });

  it("uvicorn from the system, ordered after its dependencies, no database access when another service has it", () => {
    // No systemd.user: the app's own system user, never the SSH user (deploy).
    expect(systemdUnitFromConfig(config, "web")).toMatchObject({
      user: "app-shop",
      group: "app-shop",
      server: { kind: "uvicorn", binary: "/usr/bin/uvicorn", app: "web:app", workers: 2 },
      readWritePaths: [],
      memoryMax: null,
      cpuQuota: null,
      limitNofile: 65535,
      after: ["shop-api@%i.service"],
      wants: ["shop-api@%i.service"],
    });
  });

  it("stop_timeout: 0s (killed at once, as `docker stop --time 0`) is TimeoutStopSec=1ms, never 0 (no timeout)", () => {
    const stopLine = (c: ReturnType<typeof configWith>) =>
      renderSystemdUnit(systemdUnitFromConfig(c, "api"))
        .split("\n")
        .filter((l) => l.startsWith("TimeoutStopSec="));
    expect(stopLine(configWith({ stop_timeout: "0s" }))).toEqual(["TimeoutStopSec=1ms"]);
    expect(stopLine(configWith({ stop_timeout: "0ms" }))).toEqual(["TimeoutStopSec=1ms"]);
    expect(stopLine(configWith({ stop_timeout: "500ms" }))).toEqual(["TimeoutStopSec=1"]);
    expect(stopLine(configWith({ stop_timeout: "2m" }))).toEqual(["TimeoutStopSec=120"]);
    expect(stopLine(config)).toEqual(["TimeoutStopSec=10"]);
    expect(timeoutStopSec(0)).toBe("1ms");
    expect(timeoutStopSec(30)).toBe("30");
    // The container runtimes take 0 as it is: SIGKILL right after SIGTERM.
    expect(stopContainersArgv(["shop-api-blue"], 0)).toEqual(["docker", "stop", "--time", "0", "--", "shop-api-blue"]);
    expect(composeStopArgv(["docker", "compose", "-p", "shop-blue"], 0)).toEqual([
      "docker",
      "compose",
      "-p",
      "shop-blue",
      "stop",
      "--timeout",
      "0",
    ]);
  });

  it("listens beyond loopback when a load balancer on another host connects", () => {
    const lb = configWith({ proxy: { hosts: ["lb"], routes: [{ path: "/", service: "web" }] } });
    expect(systemdUnitFromConfig(lb, "web").bindHost).toBe("0.0.0.0");
    // On a given host: that host's inventory address, the one nginx's upstream names (not every interface).
    expect(systemdUnitFromConfig(lb, "web", "b").bindHost).toBe("10.213.0.12");
    const internal = configWith({ proxy: { mode: "internal" } });
    expect(systemdUnitFromConfig(internal, "web", "b").bindHost).toBe("127.0.0.1");
  });

  it("command under systemd is refused by validate with its path; other runtimes have no units", () => {
    expect(() =>
      configWith({
        services: { api: { build: { context: "api" }, port: 5001, command: "python app.py" } },
        proxy: { routes: [{ path: "/", service: "api" }] },
      }),
    ).toThrow("services.api.command: runtime systemd starts gunicorn or uvicorn from `systemd.app_module`");
    const container = configWith({
      runtime: "container",
      services: { api: { image: "api@x", port: 5001 } },
      proxy: { routes: [{ path: "/", service: "api" }] },
    });
    expect(systemdUnitsFromConfig(container)).toEqual([]);
  });
});

describe("env files per color", () => {
  const config = configWith({
    services: {
      api: {
        build: { context: "api" },
        port: 5001,
        env: { MODE: "nginx", WORKERS: 3, DEBUG: false },
        secrets: ["DB_PASSWORD"],
        systemd: { app_module: "api:app" },
      },
      web: { build: { context: "web" }, port: 8050, systemd: { app_module: "web:app" } },
    },
  });

  it("PORT of the color, env, and secrets as placeholders unless given", () => {
    expect(envFileFromConfig(config, "api", "green")).toEqual({
      path: "/opt/shop/env/api-green.env",
      service: "api",
      color: "green",
      content:
        '# Managed by Slipway.\nPORT="15001"\nMODE="nginx"\nWORKERS="3"\nDEBUG="false"\nSLIPWAY_COLOR="green"\nDB_PASSWORD="<secret DB_PASSWORD: redacted>"\n',
      secrets: ["DB_PASSWORD"],
      redacted: ["DB_PASSWORD"],
    });
    const given = envFileFromConfig(config, "api", "blue", { DB_PASSWORD: 'p$"w' });
    expect(given.content).toContain('PORT="5001"');
    expect(given.content).toContain('DB_PASSWORD="p\\$\\"w"\n');
    expect(given.redacted).toEqual([]);
  });

  it("renderFromConfig lists env files 0600 with what was redacted", () => {
    const files = renderFromConfig(config, { color: "blue", colors: ["blue"], tlsReady: false });
    expect(files.filter((f) => f.kind === "env-file").map((f) => [f.path, f.mode, f.redacted])).toEqual([
      ["/opt/shop/env/api-blue.env", 0o600, ["DB_PASSWORD"]],
      ["/opt/shop/env/web-blue.env", 0o600, []],
    ]);
  });
});

describe("compose from slipway.yml", () => {
  const config = configWith({
    runtime: "compose",
    services: {
      api: {
        build: { context: "api" },
        port: 8000,
        ports: { green: 9000 },
        env: { MODE: "compose" },
        secrets: ["API_KEY"],
        volumes: ["shop-data:/data", "shop-cache:/cache:ro"],
        health: { path: "/health", interval: "5s", timeout: "30s", expected_body: 'a"b', container_check: "python" },
        resources: { memory: "512M", cpus: 0.5 },
        command: "gunicorn -b 0.0.0.0:8000 app:app",
      },
      web: { build: { context: "web" }, port: 8050, depends_on: ["api"], volumes: ["shop-data:/data"] },
      worker: { build: { context: "web" }, port: 8060, depends_on: ["web"] },
    },
  });
  const images = { api: `r/api@${digest}`, web: `r/web@${digest}`, worker: `r/worker@${digest}` };

  it("one project per color: digests, the color's port, shared volumes, healthcheck, depends_on", () => {
    const model = composeFromConfig(config, { color: "green", images });
    expect(model.volumes).toEqual([
      { key: "shop-data", name: "shop-data", external: false },
      { key: "shop-cache", name: "shop-cache", external: false },
    ]);
    expect(model.services[0]).toEqual({
      name: "api",
      image: `r/api@${digest}`,
      command: ["gunicorn", "-b", "0.0.0.0:8000", "app:app"],
      ports: [{ hostIp: "127.0.0.1", hostPort: 9000, containerPort: 8000 }],
      envFile: "/opt/shop/env/api-green.env",
      environment: { PORT: "8000", MODE: "compose", SLIPWAY_COLOR: "green" },
      volumes: [
        { volume: "shop-data", target: "/data" },
        { volume: "shop-cache", target: "/cache", readOnly: true },
      ],
      healthcheck: {
        test: [
          "CMD",
          "python3",
          "-I",
          "-S",
          "-c",
          'import socket, sys; s = socket.create_connection(("127.0.0.1", 8000), 5); s.sendall(b"GET /health HTTP/1.0\\r\\nHost: 127.0.0.1:8000\\r\\nConnection: close\\r\\n\\r\\n"); h, _, b = b"".join(iter(lambda: s.recv(65536), b"")).partition(b"\\r\\n\\r\\n"); sys.exit(0 if h.split(b" ")[1:2] == [b"200"] and b"a\\"b" in b else 1)',
        ],
        interval: "5s",
        timeout: "5s",
        retries: 6,
        startPeriod: "0s",
      },
      dependsOn: [],
      restart: "unless-stopped",
      logging: { maxSize: "10m", maxFiles: 5 },
      memoryLimit: "512m",
      cpus: 0.5,
    });
    expect(model.services[1]?.dependsOn).toEqual([{ service: "api", condition: "service_healthy" }]);
    expect(model.services[2]?.dependsOn).toEqual([{ service: "web", condition: "service_started" }]);
    expect(model.services[1]?.envFile).toBeUndefined();
  });

  it("env file under compose holds the secrets only", () => {
    const files = renderFromConfig(config, { color: "blue", colors: ["blue"], tlsReady: false, images });
    const env = files.find((f) => f.kind === "env-file");
    expect(env?.content).toBe("# Managed by Slipway.\nAPI_KEY='<secret API_KEY: redacted>'\n");
    expect(files.filter((f) => f.kind === "env-file")).toHaveLength(1);
    expect(files.find((f) => f.kind === "compose")?.path).toBe("/opt/shop/compose/blue/compose.yml");
  });

  it("missing image, bind mounts and quoted command strings are refused with their paths", () => {
    expect(mappingError(() => composeFromConfig(config, { color: "blue", images: {} })).configPath).toBe(
      "services.api",
    );
    // What the compose renderer refuses, validate refuses first, at the key.
    expect(() =>
      configWith({
        runtime: "compose",
        services: { api: { image: "x", port: 1000, volumes: ["/srv/x:/x"] } },
        proxy: { routes: [{ path: "/", service: "api" }] },
      }),
    ).toThrow('services.api.volumes[0]: bind mount "/srv/x:/x" is not supported by runtime compose yet');
    expect(() =>
      configWith({
        runtime: "compose",
        services: { api: { image: "x", port: 1000, command: "sh -c 'echo $HOME'" } },
        proxy: { routes: [{ path: "/", service: "api" }] },
      }),
    ).toThrow("services.api.command: has quotes or $: write it as a list of arguments");
  });
});
