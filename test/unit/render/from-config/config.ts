/** A minimal valid slipway.yml with overrides, parsed like the CLI parses a file. */
import { stringify } from "yaml";
import { parseConfigText } from "../../../../src/config/load.js";
import type { SlipwayConfig } from "../../../../src/config/schema.js";

export function configWith(overrides: Record<string, unknown>): SlipwayConfig {
  const base: Record<string, unknown> = {
    app: "shop",
    runtime: "systemd",
    services: {
      api: { build: { context: "api" }, port: 5001, systemd: { app_module: "api:app" } },
      web: { build: { context: "web" }, port: 8050, systemd: { app_module: "web:app" } },
    },
    inventory: {
      hosts: { a: { address: "10.213.0.11" }, b: { address: "10.213.0.12" }, lb: { address: "10.213.0.13" } },
      groups: { app: { hosts: ["a", "b"] } },
    },
    proxy: {
      domains: ["shop.example.com"],
      routes: [
        { path: "/api/", service: "api" },
        { path: "/", service: "web" },
      ],
    },
  };
  return parseConfigText(stringify({ ...base, ...overrides }), "/tmp/slipway.yml");
}
