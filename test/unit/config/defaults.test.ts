import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { resolveHosts, selectHosts } from "../../../src/config/inventory.js";
import { loadConfig } from "../../../src/config/load.js";
import { colorPort } from "../../../src/config/ports.js";
import { validSummary } from "../../../src/config/summary.js";

const fixtures = fileURLToPath(new URL("../../fixtures/config/valid/", import.meta.url));

describe("defaults of a minimal config", () => {
  it("fills every default", async () => {
    const config = await loadConfig(`${fixtures}minimal.yml`);
    expect(config.runtime).toBe("container");
    expect(config.strategy).toBe("blue-green");
    expect(config.deploy_dir).toBe("/opt/shop");
    expect(config.releases.keep).toBe(5);
    expect(config.proxy.mode).toBe("nginx");
    expect(config.proxy.base_path).toBe("/");
    expect(config.proxy.deny_dotfiles).toBe(true);
    expect(config.proxy.timeouts).toEqual({ connect: "60s", send: "60s", read: "60s" });
    expect(config.tls.enabled).toBe(false);
    expect(config.hooks).toEqual({ before_switch: [], after_switch: [], on_failure: [], on_rollback: [] });
    expect(config.inventory.ssh).toMatchObject({
      user: "deploy",
      port: 22,
      trust_on_first_use: false,
      become_user: "root",
    });
    expect(config.services.web?.build).toEqual({
      context: fixtures.replace(/\/$/, ""),
      dockerfile: "Dockerfile",
      args: {},
      secrets: [],
    });
    expect(config.source.file).toBe(`${fixtures}minimal.yml`);
  });

  it("health checks and database backups have their defaults", async () => {
    const config = await loadConfig(`${fixtures}full.yml`);
    expect(config.services.frontend?.health).toEqual({
      path: "/health",
      expected_status: 200,
      interval: "2s",
      consecutive_successes: 1,
      timeout: "60s",
      request_timeout: "5s",
      start_period: "0s",
      container_check: "none",
      stable: "5s",
    });
    expect(config.database?.backups.keep).toBe(20);
    expect(config.deploy_dir).toBe("/srv/harvest");
  });

  it("the one-line summary", async () => {
    const config = await loadConfig(`${fixtures}minimal.yml`);
    expect(validSummary("slipway.yml", config)).toBe(
      "slipway.yml: valid (app shop, 1 service, 1 host, runtime container)",
    );
  });

  it("color ports: blue on port, green on port + 10000, unless set; instances follow", async () => {
    const config = await loadConfig(`${fixtures}full.yml`);
    const backend = config.services.backend ?? { port: 0 };
    expect([colorPort(backend, "blue"), colorPort(backend, "green"), colorPort(backend, "green", 2)]).toEqual([
      5001, 5101, 5103,
    ]);
    expect(colorPort(config.services.frontend ?? { port: 0 }, "green")).toBe(18050);
  });
});

describe("resolved hosts", () => {
  it("take inventory.ssh defaults, their own overrides, group membership and merged vars", async () => {
    const config = await loadConfig(`${fixtures}full.yml`);
    const hosts = resolveHosts(config);
    expect(hosts.map((h) => [h.name, h.user, h.port, h.becomeUser])).toEqual([
      ["bastion", "deploy", 2222, "root"],
      ["app1", "deploy", 22, "root"],
      ["app2", "ops", 22, "app"],
    ]);
    const app1 = hosts.find((h) => h.name === "app1");
    expect(app1).toMatchObject({ jump: "bastion", groups: ["app"], vars: { region: "eu", weight: 2 } });
    expect(app1?.knownHostsFile).toBe(`${fixtures}known_hosts`);
    expect(selectHosts(config, ["app"]).map((h) => h.name)).toEqual(["app1", "app2"]);
    expect(selectHosts(config, undefined).length).toBe(3);
  });
});
