/**
 * `slipway config` shows the interval docker runs each container check at, where a reader of the effective config
 * looks for it (`health.container_interval`), marked as derived with where it comes from; --json lists it too.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../../../src/cli/_exit.js";
import { slipway } from "../../support/cli-in-process.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-cli-config-"));
const FILE = join(dir, "slipway.yml");
writeFileSync(
  FILE,
  `app: shop
runtime: compose
image: { registry: "10.0.0.9:5000" }
services:
  api:
    build: { context: api }
    port: 5001
    health: { path: /health, container_check: python }
  web:
    build: { context: web }
    port: 8050
    depends_on: [api]
    health: { path: /, container_check: curl }
inventory:
  hosts:
    h1: { address: 10.0.0.1 }
proxy:
  routes:
    - { path: /, service: web }
environments:
  swarm:
    runtime: swarm
`,
);

/** The `container_interval` lines of the YAML, and the head comment's line about derived values. */
function intervalLines(stdout: string): string[] {
  return stdout.split("\n").filter((line) => /container_interval|"derived"/.test(line));
}

describe("slipway config: docker's container check interval", () => {
  it("runtime compose: the gate's 2s where depends_on waits on the check, docker's 30s where nothing does", async () => {
    const ran = await slipway("config", "-c", FILE);
    expect(ran.code, ran.stderr).toBe(EXIT.ok);
    expect(intervalLines(ran.stdout)).toEqual([
      '# values marked "derived" are not in the config: the deploy works them out from the rest of it',
      "      container_interval: 2s # derived: health.interval, as services.web.depends_on (compose up waits for it) waits on docker's verdict",
      "      container_interval: 30s # derived: docker's default, as nothing waits on this check (the http gate polls the port from the host)",
    ]);
  });

  it("runtime swarm (an environment): every checked service at the gate's interval", async () => {
    const ran = await slipway("config", "-c", FILE, "--env", "swarm");
    expect(intervalLines(ran.stdout).slice(1)).toEqual([
      "      container_interval: 2s # derived: health.interval, as runtime swarm's update (it waits for each task's health) waits on docker's verdict",
      "      container_interval: 2s # derived: health.interval, as runtime swarm's update (it waits for each task's health) waits on docker's verdict",
    ]);
  });

  it("--json fills the value into config and lists it under derived", async () => {
    const ran = await slipway("config", "-c", FILE, "--json");
    const json = JSON.parse(ran.stdout);
    expect(json.derived).toEqual([
      {
        key: ["services", "api", "health", "container_interval"],
        value: "2s",
        from: "health.interval, as services.web.depends_on (compose up waits for it) waits on docker's verdict",
      },
      {
        key: ["services", "web", "health", "container_interval"],
        value: "30s",
        from: "docker's default, as nothing waits on this check (the http gate polls the port from the host)",
      },
    ]);
    expect([
      json.config.services.api.health.container_interval,
      json.config.services.web.health.container_interval,
    ]).toEqual(["2s", "30s"]);
  });
});
