import { describe, expect, it } from "vitest";
import { selectHosts } from "../../../src/config/inventory.js";
import type { SlipwayConfig } from "../../../src/config/schema.js";

const config = {
  app: "shop",
  inventory: {
    ssh: { user: "deploy", port: 22, connect_timeout: "10s", become_user: "root", trust_on_first_use: false },
    hosts: { lb1: { address: "10.0.0.1" }, app1: { address: "10.0.0.2" }, app2: { address: "10.0.0.3" } },
    groups: { app: { hosts: ["app1", "app2"], vars: {} }, edge: { hosts: ["lb1"], vars: {} } },
  },
} as unknown as SlipwayConfig;

const names = (patterns?: string[]) => selectHosts(config, patterns).map((h) => h.name);

describe("selectHosts: services.*.hosts and proxy.hosts, through the one host-pattern language", () => {
  it("names, groups and all, in inventory order; every host when unset", () => {
    expect(names()).toEqual(["lb1", "app1", "app2"]);
    expect(names(["app2", "edge"])).toEqual(["lb1", "app2"]);
    expect(names(["all"])).toEqual(["lb1", "app1", "app2"]);
  });

  it("Ansible's patterns work as in --limit", () => {
    expect(names(["app*"])).toEqual(["app1", "app2"]);
    expect(names(["all:!edge"])).toEqual(["app1", "app2"]);
    expect(names(["app:&app2"])).toEqual(["app2"]);
  });
});
