import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { generatedFiles } from "../../../src/config/generated.js";
import { listFields } from "../../../src/config/reference.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));

describe("files generated from the schema", () => {
  it.each(Object.entries(generatedFiles()))(
    "%s is up to date (run `npm run gen` after changing the schema)",
    (path, content) => {
      expect(readFileSync(`${root}${path}`, "utf8")).toBe(content);
    },
  );

  it("every key has a description", () => {
    const undocumented = listFields()
      .filter((row) => row.description.trim() === "")
      .map((row) => row.path);
    expect(undocumented).toEqual([]);
  });

  it("the reference lists nested keys with type and default", () => {
    const rows = listFields();
    expect(rows.find((row) => row.path === "services.<service>.health.consecutive_successes")).toMatchObject({
      type: "integer",
      defaultValue: 1,
    });
    expect(rows.find((row) => row.path === "releases.keep")).toMatchObject({ defaultValue: 5 });
    expect(rows.find((row) => row.path === "database.backups.keep")).toMatchObject({ defaultValue: 10 });
    expect(rows.find((row) => row.path === "runtime")?.type).toBe('"container" | "compose" | "systemd" | "swarm"');
  });

  it("the JSON Schema describes overlays as a deep-partial root", () => {
    const schema = JSON.parse(generatedFiles()["schema/slipway.schema.json"] ?? "{}");
    expect(schema.properties.environments.additionalProperties).toEqual({ $ref: "#/$defs/overlay" });
    expect(schema.$defs.overlay.required).toBeUndefined();
    expect(schema.required).toEqual(expect.arrayContaining(["app", "services", "inventory"]));
  });

  it("overlays may remove a map entry with null (examples/harvest: `hosts: { t2: null }`); list items stay complete", () => {
    const schema = JSON.parse(generatedFiles()["schema/slipway.schema.json"] ?? "{}");
    const nonNull = (node: { anyOf: Record<string, unknown>[] }) => node.anyOf.find((s) => s.type !== "null");
    const overlay = schema.$defs.overlay.properties;
    const inventory = nonNull(overlay.inventory) as {
      properties: Record<string, { anyOf: Record<string, unknown>[] }>;
    };
    const hosts = nonNull(inventory.properties.hosts as { anyOf: Record<string, unknown>[] }) as {
      additionalProperties: { anyOf: Record<string, unknown>[] };
    };
    expect(hosts.additionalProperties.anyOf).toContainEqual({ type: "null" });
    const proxy = nonNull(overlay.proxy) as { properties: Record<string, { anyOf: Record<string, unknown>[] }> };
    const routes = nonNull(proxy.properties.routes as { anyOf: Record<string, unknown>[] }) as {
      items: { required: string[] };
    };
    expect(routes.items.required).toEqual(expect.arrayContaining(["path", "service"]));
  });
});
