/** The firewall bootstrap writes, from slipway.yml: what each host must let in (and nothing wider). */
import { describe, expect, it } from "vitest";
import { firewallPorts } from "../../../src/config/firewall.js";
import { configWith } from "../render/from-config/config.js";

const hosts = (extra: Record<string, unknown> = {}) => ({
  ssh: { port: 2222 },
  hosts: { a: { address: "10.213.0.11" }, b: { address: "10.213.0.12", port: 22 }, lb: { address: "10.213.0.13" } },
  groups: { app: { hosts: ["a", "b"] } },
  ...extra,
});

describe("firewallPorts", () => {
  it("keeps the SSH port the config connects to open (a server on 2222 must not be locked out)", () => {
    const config = configWith({ inventory: hosts() });
    expect(firewallPorts(config, "a")).toEqual({ tcp: [80, 2222], upstreamRules: [] });
    expect(firewallPorts(config, "b")).toEqual({ tcp: [22, 80], upstreamRules: [] });
  });

  it("opens 443 only with TLS on", () => {
    const config = configWith({ inventory: hosts(), tls: { enabled: true, email: "ops@example.com" } });
    expect(firewallPorts(config, "a").tcp).toEqual([80, 443, 2222]);
  });

  it("opens no web port in internal mode (every service is on 127.0.0.1) but a service's public_port", () => {
    const config = configWith({ inventory: hosts(), proxy: { mode: "internal" } });
    expect(firewallPorts(config, "a")).toEqual({ tcp: [2222], upstreamRules: [] });
    const frontend = configWith({
      inventory: hosts(),
      proxy: { mode: "internal" },
      services: {
        api: { build: { context: "api" }, port: 5001, systemd: { app_module: "api:app" } },
        web: {
          build: { context: "web" },
          port: 8050,
          ports: { blue: 8060, green: 18060 },
          public_port: 8050,
          systemd: { app_module: "web:app" },
        },
      },
    });
    expect(firewallPorts(frontend, "a").tcp).toEqual([2222, 8050]);
  });

  it("lets only the load balancer reach the service hosts' color ports", () => {
    const config = configWith({
      inventory: hosts(),
      services: {
        api: { build: { context: "api" }, port: 5001, systemd: { app_module: "api:app" }, hosts: ["app"] },
        web: { build: { context: "web" }, port: 8050, systemd: { app_module: "web:app" }, hosts: ["app"] },
      },
      proxy: {
        hosts: ["lb"],
        domains: ["shop.example.com"],
        routes: [
          { path: "/api/", service: "api" },
          { path: "/", service: "web" },
        ],
      },
    });
    expect(firewallPorts(config, "lb")).toEqual({ tcp: [80, 2222], upstreamRules: [] });
    expect(firewallPorts(config, "a")).toEqual({
      tcp: [2222],
      upstreamRules: ["ip saddr { 10.213.0.13 } tcp dport { 5001, 8050, 15001, 18050 } accept"],
    });
  });

  it("refuses a load balancer known by DNS name only, naming the key", () => {
    const inventory = hosts({
      hosts: { a: { address: "10.213.0.11" }, lb: { address: "lb.example.com" } },
      groups: { app: { hosts: ["a"] } },
    });
    const config = configWith({
      inventory,
      services: { api: { build: { context: "api" }, port: 5001, systemd: { app_module: "api:app" }, hosts: ["a"] } },
      proxy: { hosts: ["lb"], domains: ["shop.example.com"], routes: [{ path: "/", service: "api" }] },
    });
    expect(() => firewallPorts(config, "a")).toThrow("inventory.hosts.lb.address: lb.example.com is not an IP");
  });
});
