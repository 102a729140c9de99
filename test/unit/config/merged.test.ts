import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseConfigText } from "../../../src/config/load.js";
import { mergedConfig, mergedConfigYaml } from "../../../src/config/merged.js";

const text = [
  "app: shop",
  "runtime: systemd",
  "services:",
  "  web:",
  "    port: 8000",
  '    systemd: { app_module: "wsgi:app" }',
  "    secrets: [SECRET_KEY, DB_PASSWORD]",
  "inventory:",
  "  hosts:",
  "    t1: { address: 10.0.0.1 }",
  "proxy:",
  "  routes:",
  "    - { path: /, service: web }",
  "environments:",
  "  production:",
  "    proxy: { domains: [shop.example.com] }",
  "",
].join("\n");

describe("slipway config: the merged config", () => {
  const config = parseConfigText(text, "slipway.yml", { environment: "production", dir: "/app" });
  const env = { SECRET_KEY: "s3cr3t-value", DB_PASSWORD: "" };

  it("lists each secret by name with whether it is set, never its value", () => {
    const merged = mergedConfig("slipway.yml", config, "production", env);
    expect(merged.secrets).toEqual([
      { name: "SECRET_KEY", usedBy: ["services.web.secrets"], set: true },
      { name: "DB_PASSWORD", usedBy: ["services.web.secrets"], set: false },
    ]);
    expect(JSON.stringify(merged)).not.toContain("s3cr3t-value");
  });

  it("prints YAML with a head comment, the overlay merged and the defaults filled in", () => {
    const yaml = mergedConfigYaml(mergedConfig("slipway.yml", config, "production", env));
    expect(yaml.split("\n").slice(0, 4)).toEqual([
      "# merged config of slipway.yml (environment production)",
      "# every default filled in; secrets appear by name, their values come from the environment of the deploy",
      "# secret SECRET_KEY: set here; used by services.web.secrets",
      "# secret DB_PASSWORD: NOT set here; used by services.web.secrets",
    ]);
    const back = parse(yaml);
    expect(back.proxy.domains).toEqual(["shop.example.com"]);
    expect(back.services.web.secrets).toEqual(["SECRET_KEY", "DB_PASSWORD"]);
    expect(back.inventory.ssh.port).toBe(22);
    expect(back.strategy).toBe("blue-green");
    expect(yaml).not.toContain("s3cr3t-value");
  });

  it("says so when no secret is referenced", () => {
    const plain = parseConfigText(text.replace("    secrets: [SECRET_KEY, DB_PASSWORD]\n", ""), "slipway.yml", {
      environment: "production",
    });
    expect(mergedConfigYaml(mergedConfig("slipway.yml", plain, undefined, {}))).toContain(
      "# merged config of slipway.yml (no --env)\n# every default filled in; secrets appear by name, their values come from the environment of the deploy\n# secrets: none referenced\n",
    );
  });

  it("marks each derived value beside it and says so in the head comment; none, no such line", () => {
    const derived = [{ key: ["services", "web", "port"], value: "8000", from: "what the test says" }];
    const yaml = mergedConfigYaml(mergedConfig("slipway.yml", config, "production", env, derived));
    expect(yaml.split("\n").filter((line) => line.includes("derived"))).toEqual([
      '# values marked "derived" are not in the config: the deploy works them out from the rest of it',
      "    port: 8000 # derived: what the test says",
    ]);
    expect(mergedConfig("slipway.yml", config, "production", env).derived).toEqual([]);
    expect(mergedConfigYaml(mergedConfig("slipway.yml", config, "production", env))).not.toContain("derived");
  });

  it("prints a config that reads back as the same config: no loader fields, build contexts as written", () => {
    const built = [
      "app: shop",
      "runtime: container",
      "image: { registry: 10.0.0.9:5000 }",
      "services:",
      "  web: { build: { context: web }, port: 8000 }",
      "  api: { build: { context: /srv/api }, port: 8001 }",
      "  top: { build: { context: . }, port: 8002 }",
      "inventory: { hosts: { t1: { address: 10.0.0.1 } } }",
      "proxy: { routes: [{ path: /, service: web }] }",
      "",
    ].join("\n");
    const original = parseConfigText(built, "slipway.yml", { dir: "/app" });
    const printed = mergedConfigYaml(mergedConfig("slipway.yml", original, undefined, {}));
    const doc = parse(printed);
    expect(doc.environment).toBeUndefined();
    expect(doc.source).toBeUndefined();
    expect([doc.services.web.build.context, doc.services.api.build.context, doc.services.top.build.context]).toEqual([
      "web",
      "/srv/api",
      ".",
    ]);
    const again = parseConfigText(printed, "slipway.yml", { dir: "/app" });
    expect(again).toEqual(original);
  });
});
