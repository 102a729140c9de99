/**
 * Load-balanced instances (`proxy.load_balance.<service>.instances`) under runtime systemd and compose, as seed 000
 * writes them ("HARVEST_PORT=5001/5002/5003 python3 harvest_be.py"): one process per instance on the color's
 * consecutive ports, each gated, drained and stopped with its color.
 */
import { describe, expect, it } from "vitest";
import { colorPortsOf } from "../../../src/deploy/drain.js";
import { dropInPath, serviceInstances, systemdRuntime } from "../../../src/deploy/systemd-runtime.js";
import { envFileFromConfig } from "../../../src/render/from-config/env-files.js";
import { composeFromConfig } from "../../../src/render/from-config/index.js";
import { colorInstance, environmentFilePath, instanceUnitName } from "../../../src/render/systemd.js";
import { FakeHost } from "../engine/fake-host.js";
import { configWith } from "../render/from-config/config.js";

const lb = { load_balance: { api: { instances: 3 } } };
const systemd = () =>
  configWith({
    proxy: {
      domains: ["shop.example.com"],
      routes: [
        { path: "/api/", service: "api" },
        { path: "/", service: "web" },
      ],
      ...lb,
    },
  });

describe("load-balanced instances under runtime systemd", () => {
  it("names each instance after its color, the first as the color itself", () => {
    expect([0, 1, 2].map((i) => colorInstance("green", i))).toEqual(["green", "green-2", "green-3"]);
    expect(instanceUnitName("shop", "api", "blue", 2)).toBe("shop-api@blue-3.service");
    expect(environmentFilePath("/opt/shop/env", "api", "blue", 1)).toBe("/opt/shop/env/api-blue-2.env");
    expect(environmentFilePath("/opt/shop/env", "api", "%i")).toBe("/opt/shop/env/api-%i.env");
    expect(dropInPath("shop", "api", "green", 1)).toBe(
      "/etc/systemd/system/shop-api@green-2.service.d/slipway-release.conf",
    );
  });

  it("every instance is a unit of the color: started, stopped and read for logs together", () => {
    const runtime = systemdRuntime(systemd(), new FakeHost("h1"));
    expect(runtime.names("blue")).toEqual([
      "shop-api@blue.service",
      "shop-api@blue-2.service",
      "shop-api@blue-3.service",
      "shop-web@blue.service",
    ]);
    expect(serviceInstances(systemd()).map((u) => `${u.service}#${u.instance}`)).toEqual([
      "api#0",
      "api#1",
      "api#2",
      "web#0",
    ]);
  });

  it("each instance's env file carries its own PORT: the color's port plus the instance", () => {
    const files = [0, 1, 2].map((instance) => envFileFromConfig(systemd(), "api", "green", {}, { instance }));
    expect(files.map((f) => f.path)).toEqual([
      "/opt/shop/env/api-green.env",
      "/opt/shop/env/api-green-2.env",
      "/opt/shop/env/api-green-3.env",
    ]);
    expect(files.map((f) => /PORT="(\d+)"/.exec(f.content)?.[1])).toEqual(["15001", "15002", "15003"]);
  });

  it("the gate and the drain watch every instance's port", () => {
    expect(colorPortsOf(systemd(), "blue").map((p) => `${p.name}:${p.port}`)).toEqual([
      "api:5001",
      "api:5002",
      "api:5003",
      "web:8050",
    ]);
  });
});

describe("load-balanced instances under runtime compose", () => {
  it("the color's project has one service per instance, the first under the service's own name", () => {
    const config = configWith({
      runtime: "compose",
      image: { registry: "registry.example.com", repository: "shop/app" },
      services: {
        api: { build: { context: "api" }, port: 8000, ports: { blue: 5441, green: 15441 } },
        web: { build: { context: "web" }, port: 8050, depends_on: ["api"] },
      },
      proxy: { domains: ["shop.example.com"], routes: [{ path: "/", service: "web" }], ...lb },
    });
    const digest = (n: string) => `registry.example.com/shop/app@sha256:${n.repeat(64)}`;
    const model = composeFromConfig(config, { color: "green", images: { api: digest("a"), web: digest("b") } });
    expect(
      model.services.map((s) => `${s.name} ${s.image === digest("a") ? "a" : "b"} ${s.ports[0]?.hostPort}`),
    ).toEqual(["api a 15441", "api-2 a 15442", "api-3 a 15443", "web b 18050"]);
    expect(model.services.find((s) => s.name === "web")?.dependsOn.map((d) => d.service)).toEqual(["api"]);
  });
});
