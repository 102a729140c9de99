/** Runtime swarm's config (src/config/schema/swarm.ts, src/config/swarm.ts): sections, pinned stateful services, nodes. */
import { describe, expect, it } from "vitest";
import { firewallPorts } from "../../../src/config/firewall.js";
import { swarmManager, swarmNodes, swarmSecretWarnings } from "../../../src/config/swarm.js";
import { configWith } from "../render/from-config/config.js";

const services = {
  api: { image: "10.213.0.1:5000/shop-api", port: 5001, swarm: { replicas: 2 } },
  web: { image: "10.213.0.1:5000/shop-web", port: 8050 },
};
const db = {
  image: "postgres:16",
  port: 5432,
  accessory: true,
  volumes: ["pgdata:/var/lib/postgresql/data"],
  swarm: { placement: ["node.labels.db == true"] },
};
const swarmConfig = (over: Record<string, unknown> = {}) =>
  configWith({ runtime: "swarm", image: { registry: "10.213.0.1:5000" }, services, ...over });

function problems(over: Record<string, unknown>): string {
  try {
    swarmConfig(over);
  } catch (e) {
    return String((e as Error).message);
  }
  return "";
}

describe("runtime swarm config", () => {
  it("fills the engine's settings with their defaults", () => {
    const config = swarmConfig();
    expect(config.services.api?.swarm).toEqual({
      replicas: 2,
      placement: [],
      // order: start-first unless an accessory keeps data (render/from-config/swarm.ts swarmOrder; `slipway config` shows it).
      update: { parallelism: 1, delay: "0s", monitor: "10s", failure_action: "rollback" },
      rollback: { parallelism: 1, delay: "0s", monitor: "10s", failure_action: "pause" },
    });
    expect(config.swarm).toEqual({ node_labels: {} });
  });

  it("takes a database pinned to one node by a label", () => {
    const config = swarmConfig({
      services: { ...services, db },
      swarm: { manager: "b", node_labels: { b: { db: "true" } } },
    });
    expect(config.services.db?.swarm?.placement).toEqual(["node.labels.db == true"]);
  });

  it("refuses a volume service that is not pinned, with the reason", () => {
    const text = problems({ services: { ...services, db: { ...db, swarm: {} } } });
    expect(text).toContain("services.db.swarm.placement: expected a constraint pinning db to one node");
    expect(text).toContain("its volume pgdata lives on one node");
  });

  it("refuses two replicas of a stateful service and one outside the accessories", () => {
    const text = problems({
      services: { ...services, db: { ...db, accessory: false, swarm: { ...db.swarm, replicas: 2 } } },
    });
    expect(text).toContain("services.db.swarm.replicas: a stateful service runs one task under runtime swarm");
    expect(text).toContain("services.db.accessory: set `accessory: true`");
  });

  it("refuses a constraint that only excludes (it does not pin)", () => {
    const text = problems({
      services: { ...services, db: { ...db, swarm: { placement: ["node.role != manager"] } } },
    });
    expect(text).toContain("services.db.swarm.placement: expected a constraint pinning db");
  });

  it("refuses a malformed constraint, a manager outside the inventory and load_balance", () => {
    const text = problems({
      services: { ...services, web: { ...services.web, swarm: { placement: ["labels.db=true"] } } },
      swarm: { manager: "nope" },
      proxy: { routes: [{ path: "/", service: "web" }], load_balance: { web: { instances: 2 } } },
    });
    expect(text).toContain('expected a constraint like "node.labels.db == true"');
    expect(text).toContain("swarm.manager: expected an inventory host (a, b, lb)");
    expect(text).toContain("set `services.web.swarm.replicas` instead");
  });

  it("warns per service that its secrets are files under swarm, not env vars (D49); nothing elsewhere", () => {
    const withSecrets = { ...services, api: { ...services.api, secrets: ["SECRET_KEY", "API_TOKEN"] } };
    expect(swarmSecretWarnings(swarmConfig({ services: withSecrets }))).toEqual([
      "services.api.secrets: runtime swarm gives the app each secret as a file, not as an environment variable as the other runtimes do: SECRET_KEY as /run/secrets/SECRET_KEY (SECRET_KEY_FILE), API_TOKEN as /run/secrets/API_TOKEN (API_TOKEN_FILE); an app that reads only the variable runs without it, so read the file (or the _FILE variable) in the app",
    ]);
    expect(swarmSecretWarnings(swarmConfig())).toEqual([]);
    expect(swarmSecretWarnings({ ...swarmConfig({ services: withSecrets }), runtime: "compose" })).toEqual([]);
  });

  it("refuses swarm sections under another runtime", () => {
    let text = "";
    try {
      configWith({
        runtime: "compose",
        services: { web: { ...services.web, swarm: { replicas: 2 } } },
        proxy: { routes: [{ path: "/", service: "web" }] },
      });
    } catch (e) {
      text = String((e as Error).message);
    }
    expect(text).toContain("services.web.swarm: runtime compose ignores it: set `runtime: swarm` or remove it");
  });

  it("names the manager (swarm.manager, else the first host) and the workers with their labels", () => {
    expect(swarmManager(swarmConfig())).toBe("a");
    const config = swarmConfig({ swarm: { manager: "b", node_labels: { a: { db: "true" } } } });
    expect(swarmNodes(config)).toEqual([
      { name: "b", address: "10.213.0.12", role: "manager", labels: {} },
      { name: "a", address: "10.213.0.11", role: "worker", labels: { db: "true" } },
      { name: "lb", address: "10.213.0.13", role: "worker", labels: {} },
    ]);
  });

  it("opens the cluster's ports and the host-mode ports to the other nodes only", () => {
    expect(firewallPorts(swarmConfig(), "a").upstreamRules).toEqual([
      "ip saddr { 10.213.0.12, 10.213.0.13 } meta l4proto tcp accept",
      "ip saddr { 10.213.0.12, 10.213.0.13 } udp dport { 7946, 4789 } accept",
    ]);
  });
});
