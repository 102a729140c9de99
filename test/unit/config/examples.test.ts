import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runValidate } from "../../../src/cli/validate.js";
import { loadConfig } from "../../../src/config/load.js";
import { colorPort } from "../../../src/config/ports.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const configs = readdirSync(`${root}examples`, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((dir) =>
    readdirSync(`${root}examples/${dir.name}`)
      .filter((f) => /^slipway(\.[\w-]+)?\.yml$/.test(f))
      .map((f) => `examples/${dir.name}/${f}`),
  );

describe("examples/*/slipway*.yml", () => {
  it("covers the three seed apps", () => {
    expect(configs).toEqual(
      expect.arrayContaining([
        "examples/harvest/slipway.yml",
        "examples/harvest/slipway.subpath.yml",
        "examples/duckdb-compose/slipway.yml",
        "examples/flask-docker/slipway.yml",
      ]),
    );
  });

  it.each(configs)("%s passes slipway validate", async (file) => {
    const output = await runValidate(`${root}${file}`);
    expect(output.stderr).toEqual([]);
    expect(output.exitCode).toBe(0);
  });

  it("harvest: systemd + gunicorn, nginx with /api/ on the same domain, SQLite, sandbox hosts", async () => {
    const config = await loadConfig(`${root}examples/harvest/slipway.yml`);
    expect(config.runtime).toBe("systemd");
    expect(config.services.backend?.port).toBe(5001);
    expect(config.services.backend?.health?.path).toBe("/api/health");
    expect(config.services.frontend?.port).toBe(8050);
    expect(config.services.backend?.systemd?.app_module).toBe("harvest_be:app");
    expect(config.proxy.routes.map((r) => [r.path, r.service])).toEqual([
      ["/api/", "backend"],
      ["/", "frontend"],
    ]);
    expect(config.database).toMatchObject({ engine: "sqlite", path: "/var/lib/harvest/harvest.db" });
    expect(Object.values(config.inventory.hosts).map((h) => h.address)).toEqual(["10.213.0.11", "10.213.0.12"]);
    expect(config.inventory.ssh.known_hosts_file).toBe(`${root}.sandbox/known_hosts`);
    expect(config.deploy_dir).toBe("/opt/harvest");
    expect(colorPort(config.services.backend ?? { port: 0 }, "green")).toBe(15001);
  });

  it("harvest subpath: /harvest/ with websockets, CORS, rate limit, body size, long timeouts", async () => {
    const config = await loadConfig(`${root}examples/harvest/slipway.subpath.yml`);
    expect(config.proxy.base_path).toBe("/harvest/");
    expect(config.proxy.websockets).toBe(true);
    expect(config.proxy.cors?.origins.length).toBeGreaterThan(0);
    expect(config.proxy.routes[0]?.rate_limit).toEqual({ rate: "20r/s", burst: 40, nodelay: true, zone_size: "10m" });
    expect(config.proxy.client_max_body_size).toBe("100M");
    expect(config.proxy.timeouts).toEqual({ connect: "300s", send: "300s", read: "300s" });
    expect(config.proxy.security_headers?.frame_options).toBe("SAMEORIGIN");
  });

  it("duckdb-compose: compose, stop-first, DuckDB file in a named volume", async () => {
    const config = await loadConfig(`${root}examples/duckdb-compose/slipway.yml`);
    expect([config.runtime, config.strategy]).toEqual(["compose", "stop-first"]);
    expect(config.services.backend?.port).toBe(12015);
    expect(config.services.frontend?.port).toBe(12016);
    expect(config.database).toMatchObject({ engine: "duckdb", volume: "duck-data", path: "app.db" });
    expect(config.image.registry).toBe("10.213.0.1:5000");
  });

  it("flask-docker: container, instance/ volume, CORS for GitHub Pages, certbot TLS", async () => {
    const config = await loadConfig(`${root}examples/flask-docker/slipway.yml`);
    expect(config.runtime).toBe("container");
    expect(config.services.backend?.port).toBe(8887);
    expect(config.services.backend?.volumes).toEqual(["notes-instance:/app/instance"]);
    expect(config.proxy.cors?.origins).toEqual(["https://example.github.io"]);
    expect(config.tls.enabled).toBe(true);
    const production = await loadConfig(`${root}examples/flask-docker/slipway.yml`, { environment: "production" });
    expect(production.tls.acme_server).toBe("https://acme-v02.api.letsencrypt.org/directory");
    expect(production.tls.ca_bundle).toBeUndefined();
  });
});
