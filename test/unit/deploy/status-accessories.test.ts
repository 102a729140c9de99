import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseHostStatus, statusPlan } from "../../../src/deploy/status.js";
import { accessoryStatuses } from "../../../src/deploy/status-accessories.js";
import { formatHostStatus } from "../../../src/deploy/status-format.js";
import { loadConfigText } from "../../support/config-text.js";

/** Seed 004's shape: a web app and a Postgres accessory (port 5432 for the colors, published nowhere), plus Redis. */
const CONFIG = readFileSync("test/fixtures/config/valid/postgres-accessory-blue-green.yml", "utf8").replace(
  "database:",
  "  redis:\n    image: redis:7\n    port: 6379\n    accessory: true\ndatabase:",
);
const NOW = new Date("2026-01-01T00:10:00Z");
const names = (color: string) => [`shop-${color}`];

const HEAD = ["@@current", "/opt/shop/releases/r1", "@@color", "blue", "@@lock", "", "@@disk"];
const DISK = "/dev/sda1 10485760 5242880 5242880 50% /";

function output(accessories: string[]): string {
  return [
    ...HEAD,
    DISK,
    "@@compose|shop-blue",
    "shop-blue-web-1 running Up 5 minutes",
    "@@compose|shop-green",
    "@@accessories|shop-accessories",
    ...accessories,
    "@@health|http://127.0.0.1:8000/",
    "200",
  ].join("\n");
}

describe("slipway status of the accessories (D71)", () => {
  it("asks docker for the accessories' project and polls only the colors' services over HTTP", async () => {
    const plan = statusPlan(await loadConfigText(CONFIG), names, null);
    expect(plan.probes).toEqual([
      { kind: "compose", target: "shop-blue" },
      { kind: "compose", target: "shop-green" },
      { kind: "accessories", target: "shop-accessories" },
      { kind: "health", target: "http://127.0.0.1:8000/" },
      { kind: "health", target: "http://127.0.0.1:18000/" },
    ]);
    expect(plan.accessories).toEqual({
      probe: { kind: "accessories", target: "shop-accessories" },
      names: ["db", "redis"],
    });
  });

  it("running accessories (healthy by docker, or without a check): healthy, shown with docker's state and health", async () => {
    const plan = statusPlan(await loadConfigText(CONFIG), names, null);
    const s = parseHostStatus(
      "t1",
      "/opt/shop",
      plan,
      output(["db running healthy", "redis running "]),
      NOW,
      () => null,
    );
    expect(s.accessories).toEqual([
      { service: "db", state: "running", health: "healthy", ok: true },
      { service: "redis", state: "running", health: "none", ok: true },
    ]);
    expect(s.health.map((h) => h.service)).toEqual(["web"]);
    expect(s.problems).toEqual([]);
    expect(formatHostStatus(s).split("\n")).toEqual([
      "t1: r1 on blue; lock free; disk 5.0 GiB free (50% used)",
      "  UNIT                       COLOR  STATE",
      "  shop-blue/shop-blue-web-1  blue*  running Up 5 minutes",
      "  shop-green                 green  no containers",
      "  SERVICE  HEALTH                  ANSWER",
      "  web      http://127.0.0.1:8000/  200 ok",
      "  ACCESSORY  STATE    HEALTH",
      "  db         running  healthy",
      "  redis      running  none",
      "  healthy",
    ]);
  });

  it("a problem (exit 2) only when an accessory is not running or docker says unhealthy; starting is not one", async () => {
    const plan = statusPlan(await loadConfigText(CONFIG), names, null);
    const problems = (lines: string[]) =>
      parseHostStatus("t1", "/opt/shop", plan, output(lines), NOW, () => null).problems;
    expect(problems(["db running starting", "redis running "])).toEqual([]);
    expect(problems(["db running unhealthy", "redis exited "])).toEqual([
      "accessory db is unhealthy",
      "accessory redis is exited",
    ]);
    expect(problems(["db restarting "])).toEqual(["accessory db is restarting", "accessory redis is not found"]);
  });

  it("parses docker's lines by compose service, in config order", () => {
    const plan = { probe: { kind: "accessories" as const, target: "a-accessories" }, names: ["db", "cache"] };
    expect(accessoryStatuses(plan, ["cache running healthy", "db exited", "", "other running healthy"])).toEqual([
      { service: "db", state: "exited", health: "none", ok: false },
      { service: "cache", state: "running", health: "healthy", ok: true },
    ]);
  });
});
