import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigValidationError } from "../../../src/config/errors.js";
import { formatIssue } from "../../../src/config/issues.js";
import { loadConfig, parseConfigText, validateConfigText } from "../../../src/config/load.js";

const file = fileURLToPath(new URL("../../fixtures/config/valid/overlays.yml", import.meta.url));
const text = readFileSync(file, "utf8");

describe("environment overlays", () => {
  it("deep-merges mappings, replaces lists, removes keys set to null", async () => {
    const staging = await loadConfig(file, { environment: "staging" });
    expect(staging.environment).toBe("staging");
    expect(staging.services.web?.env).toEqual({ LOG_LEVEL: "info", MODE: "staging" });
    expect(staging.services.web?.volumes).toEqual(["staging-data:/data"]);
    expect(Object.keys(staging.inventory.hosts)).toEqual(["t1"]);
    expect(staging.proxy.domains).toEqual(["staging.shop.example.com"]);
    expect(staging.releases.keep).toBe(5);
  });

  it("leaves the base untouched without --env, and applies only the chosen overlay", async () => {
    const base = await loadConfig(file);
    expect(base.environment).toBeNull();
    expect(base.services.web?.env.MODE).toBe("base");
    expect(Object.keys(base.inventory.hosts)).toEqual(["t1", "t2"]);
    const production = await loadConfig(file, { environment: "production" });
    expect(production.releases.keep).toBe(10);
    expect(production.services.web?.env.MODE).toBe("base");
  });

  it("an unknown environment is an error with a suggestion", () => {
    const result = validateConfigText(text, "overlays.yml", { environment: "prod" });
    expect(result.issues.map(formatIssue)).toEqual([
      'overlays.yml:22:1: environments: environment "prod" is not defined (defined: staging, production), did you mean `production`?',
    ]);
  });

  it("an error inside an overlay points into the overlay, an inherited one into the base", () => {
    const broken = text.replace("keep: 10", "keep: 0").replace("LOG_LEVEL: info", "LOG_LEVEL: [info]");
    const result = validateConfigText(broken, "overlays.yml", { environment: "production" });
    expect(result.issues.map(formatIssue)).toEqual([
      "overlays.yml:8:7: services.web.env.LOG_LEVEL: expected a string, number or true/false, found a list (1 item)",
      "overlays.yml:36:13: environments.production.releases.keep: expected a whole number >= 1, found 0",
    ]);
  });

  it("validate without --env checks the base and every environment, reporting a shared problem once", () => {
    const broken = text.replace("port: 8000", "port: 0");
    const result = validateConfigText(broken, "overlays.yml");
    expect(result.issues.map(formatIssue)).toEqual([
      "overlays.yml:6:11: services.web.port: expected a port number (1-65535), found 0",
    ]);
  });

  it("parseConfigText suggests --env when the base alone is incomplete", () => {
    const incomplete = `app: shop
services:
  web: { build: {}, port: 8000 }
proxy:
  routes: [{ path: /, service: web }]
environments:
  production:
    inventory:
      hosts:
        t1: { address: 10.213.0.11 }
`;
    expect(validateConfigText(incomplete, "x.yml", { environment: "production" }).ok).toBe(true);
    expect(() => parseConfigText(incomplete, "x.yml")).toThrowError(ConfigValidationError);
    try {
      parseConfigText(incomplete, "x.yml");
    } catch (error) {
      expect((error as ConfigValidationError).hint).toContain("--env");
      expect((error as ConfigValidationError).lines()).toEqual([
        "x.yml:1:1: inventory: missing required key `inventory` (expected a mapping)",
      ]);
    }
  });
});
