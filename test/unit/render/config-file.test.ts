/** Seed 004's config file: a JSON template with secrets, rendered exactly (JSON-escaped), or refused by name. */
import { describe, expect, it } from "vitest";
import { renderCompose } from "../../../src/render/compose.js";
import { configFileHostPath, renderConfigFile } from "../../../src/render/config-file.js";
import { composeFromConfig } from "../../../src/render/from-config/index.js";
import { configWith } from "./from-config/config.js";

// biome-ignore-start lint/suspicious/noTemplateCurlyInString: the template syntax under test
const TEMPLATE =
  '{\n  "Mongo": { "Host": "db", "Password": "${secret:MONGO_PASSWORD}" },\n  "Literal": "${HOME} $x"\n}\n';

describe("renderConfigFile", () => {
  it("puts each secret in, JSON-escaped in a JSON file, and leaves everything else as written", () => {
    const value = 'p"a\\ss\nword $HOME';
    const out = renderConfigFile(
      TEMPLATE,
      { MONGO_PASSWORD: value },
      {
        json: true,
        where: "t",
        listed: ["MONGO_PASSWORD"],
      },
    );
    expect(JSON.parse(out)).toEqual({ Mongo: { Host: "db", Password: value }, Literal: "${HOME} $x" });
    expect(renderConfigFile("k=${secret:A}\n", { A: 'x"y' }, { json: false, where: "t", listed: ["A"] })).toBe(
      'k=x"y\n',
    );
  });

  it("refuses a secret the service does not list, or one without a value, naming the template's line", () => {
    expect(() => renderConfigFile(TEMPLATE, {}, { json: true, where: "etc/c.json", listed: [] })).toThrow(
      'etc/c.json:2 "MONGO_PASSWORD" is not in the service\'s `secrets`',
    );
    expect(() =>
      renderConfigFile(TEMPLATE, {}, { json: true, where: "etc/c.json", listed: ["MONGO_PASSWORD"] }),
    ).toThrow('etc/c.json:2 "MONGO_PASSWORD" has no value');
  });
});
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: the template syntax under test

describe("services.*.files under runtime compose", () => {
  it("mounts the color's rendered file read-only where the service reads it", () => {
    const config = configWith({
      runtime: "compose",
      services: {
        api: {
          build: { context: "api" },
          port: 5001,
          secrets: ["MONGO_PASSWORD"],
          files: [{ path: "/app/etc/instance_config.json", template: "etc/instance_config.json" }],
        },
        web: { build: { context: "web" }, port: 8050 },
      },
    });
    const digest = `@sha256:${"0".repeat(64)}`;
    const text = renderCompose(
      composeFromConfig(config, { color: "green", images: { api: `a${digest}`, web: `w${digest}` } }),
    );
    expect(configFileHostPath("/opt/shop", "api", "green", 0, "/app/etc/instance_config.json")).toBe(
      "/opt/shop/files/api-green/0-instance_config.json",
    );
    expect(text).toContain(
      "    volumes:\n      - /opt/shop/files/api-green/0-instance_config.json:/app/etc/instance_config.json:ro\n",
    );
  });
});
