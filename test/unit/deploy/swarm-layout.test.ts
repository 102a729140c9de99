/**
 * Runtime swarm in the deploy's layout: the deploy runs on the manager (every service: it deploys the stacks) and
 * the nginx hosts, never on a worker; nginx lists every node at the color's port (a task may run on any of them).
 */
import { describe, expect, it } from "vitest";
import { deployHosts, isSplitLayout, servicesOn, upstreamIsLocal } from "../../../src/config/layout.js";
import { runtimeFor } from "../../../src/deploy/deploy.js";
import { upstreamFromConfig } from "../../../src/render/from-config/nginx.js";
import { configWith } from "../render/from-config/config.js";

const swarm = (proxyHosts?: string) =>
  configWith({
    runtime: "swarm",
    image: { registry: "10.213.0.1:5000" },
    services: { web: { image: "10.213.0.1:5000/shop-web", port: 8050, swarm: { replicas: 2 } } },
    inventory: {
      hosts: { t4: { address: "10.213.0.14" }, t5: { address: "10.213.0.15" }, t6: { address: "10.213.0.16" } },
    },
    swarm: { manager: "t4" },
    proxy: { routes: [{ path: "/", service: "web" }], ...(proxyHosts ? { hosts: [proxyHosts] } : {}) },
  });

describe("runtime swarm layout", () => {
  it("deploys through the manager and the nginx hosts only", () => {
    const config = swarm("t4");
    expect(servicesOn(config, "t4")).toEqual(["web"]);
    expect(servicesOn(config, "t5")).toEqual([]);
    expect(deployHosts(config).map((h) => h.name)).toEqual(["t4"]);
    expect(isSplitLayout(config)).toBe(false);
    expect(typeof runtimeFor(config)).toBe("function");
  });

  it("without proxy.hosts every node runs nginx and the manager deploys: the load-balancer layout", () => {
    const config = swarm();
    expect(deployHosts(config).map((h) => h.name)).toEqual(["t4", "t5", "t6"]);
    expect(isSplitLayout(config)).toBe(true);
  });

  it("lists every node at the color's port in nginx's upstream", () => {
    const config = swarm("t4");
    expect(upstreamIsLocal(config, config.services.web as never)).toBe(false);
    expect(upstreamFromConfig(config, "web", "green").servers).toEqual([
      { host: "10.213.0.14", port: 18050 },
      { host: "10.213.0.15", port: 18050 },
      { host: "10.213.0.16", port: 18050 },
    ]);
  });
});
