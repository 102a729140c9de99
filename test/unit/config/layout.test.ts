/** Who runs what (src/config/layout.ts): roles per host, the listen address of a service, the per-host config. */
import { describe, expect, it } from "vitest";
import {
  configOnHost,
  hostRole,
  isSplitLayout,
  listenAddress,
  probeAddress,
  servicesOn,
} from "../../../src/config/layout.js";
import { upstreamFromConfig } from "../../../src/render/from-config/nginx.js";
import { configWith } from "../render/from-config/config.js";

const inventory = {
  hosts: {
    lb: { address: "10.213.0.11" },
    a: { address: "10.213.0.12" },
    b: { address: "app-b.example.com" },
    c: { address: "fd00::13" },
  },
  groups: { app: { hosts: ["a", "b", "c"] } },
};
const services = {
  api: { build: { context: "api" }, port: 5001, systemd: { app_module: "api:app" }, hosts: ["app"] },
  web: { build: { context: "web" }, port: 8050, systemd: { app_module: "web:app" }, hosts: ["a"] },
};
const proxy = {
  hosts: ["lb"],
  routes: [
    { path: "/api/", service: "api" },
    { path: "/", service: "web" },
  ],
};
const layout = () => configWith({ inventory, services, proxy });

describe("the load-balancer layout", () => {
  it("gives each host its role: nginx on proxy.hosts, each service on its hosts", () => {
    const config = layout();
    expect(hostRole(config, "lb")).toEqual({ switches: true, services: [] });
    expect(hostRole(config, "a")).toEqual({ switches: false, services: ["api", "web"] });
    expect(hostRole(config, "b")).toEqual({ switches: false, services: ["api"] });
    expect(servicesOn(config, "c")).toEqual(["api"]);
    expect(isSplitLayout(config)).toBe(true);
  });

  it("is no split when every host runs nginx and every service (the default)", () => {
    const config = configWith({ inventory: { hosts: inventory.hosts } });
    expect(isSplitLayout(config)).toBe(false);
    expect(hostRole(config, "b").switches).toBe(true);
  });

  it("is a split when a service runs on some hosts only, even with nginx everywhere", () => {
    const config = configWith({ inventory, services, proxy: { routes: proxy.routes } });
    expect(isSplitLayout(config)).toBe(true);
    expect(hostRole(config, "b")).toEqual({ switches: true, services: ["api"] });
  });

  it("binds a service to the host's inventory IP when nginx is elsewhere; 0.0.0.0 for a DNS name; IPv6 bracketed", () => {
    const config = layout();
    expect(listenAddress(config, "api", "a")).toBe("10.213.0.12");
    expect(listenAddress(config, "api", "b")).toBe("0.0.0.0");
    expect(probeAddress(config, "api", "b")).toBe("127.0.0.1");
    expect(listenAddress(config, "api", "c")).toBe("[fd00::13]");
    expect(listenAddress(config, "api")).toBe("0.0.0.0");
  });

  it("nginx's upstream names every app host at its inventory address (IPv6 in brackets)", () => {
    const servers = upstreamFromConfig(layout(), "api", "green").servers.map((s) => `${s.host}:${s.port}`);
    expect(servers).toEqual(["10.213.0.12:15001", "app-b.example.com:15001", "[fd00::13]:15001"]);
  });

  it("keeps loopback when nginx runs beside every service, and in proxy.mode internal", () => {
    expect(listenAddress(configWith({ inventory: { hosts: inventory.hosts } }), "web", "a")).toBe("127.0.0.1");
    const internal = configWith({ inventory, services, proxy: { mode: "internal" } });
    expect(listenAddress(internal, "api", "a")).toBe("127.0.0.1");
  });

  it("gives each host's runtime only its services", () => {
    const config = layout();
    expect(Object.keys(configOnHost(config, "lb").services)).toEqual([]);
    expect(Object.keys(configOnHost(config, "b").services)).toEqual(["api"]);
    expect(configOnHost(config, "a")).toBe(config);
  });
});
