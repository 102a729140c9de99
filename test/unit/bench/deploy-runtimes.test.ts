import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseRuntimes, writeRuntimeConfig } from "../../../bench/deploy/runtimes.js";
import { loadConfig } from "../../../src/config/index.js";
import { selectHosts } from "../../../src/config/inventory.js";

const sandbox = {
  registry: "10.213.0.1:5000",
  knownHostsPath: "/tmp/known_hosts",
  privateKeyPath: "/tmp/id_ed25519",
  targets: [],
} as unknown as Parameters<typeof writeRuntimeConfig>[2];
const targets = ["t4", "t5", "t6"].map((name, i) => ({ name, host: `10.213.0.${14 + i}`, user: "deploy" })) as never;

describe("bench/deploy runtime comparison", () => {
  it("takes two different known runtimes, the first the base of the ratios", () => {
    expect(parseRuntimes("container,swarm")).toEqual(["container", "swarm"]);
    expect(parseRuntimes("swarm,container")).toEqual(["swarm", "container"]);
    for (const bad of ["container", "swarm,swarm", "container,k8s", "container,swarm,compose"]) {
      expect(() => parseRuntimes(bad)).toThrow(
        `--runtimes: expected two of container, swarm (e.g. container,swarm), got "${bad}"`,
      );
    }
  });

  it("puts nginx on the first target in front of the app on the other two, in both runtimes", async () => {
    const container = await loadConfig(writeRuntimeConfig("container", targets, sandbox));
    expect(container.runtime).toBe("container");
    expect(selectHosts(container, container.proxy.hosts).map((h) => h.name)).toEqual(["t4"]);
    expect(selectHosts(container, container.services.frontend?.hosts).map((h) => h.name)).toEqual(["t5", "t6"]);
    const path = writeRuntimeConfig("swarm", targets, sandbox);
    const swarm = await loadConfig(path);
    expect(swarm.runtime).toBe("swarm");
    expect(selectHosts(swarm, swarm.proxy.hosts).map((h) => h.name)).toEqual(["t4"]);
    expect(swarm.swarm.manager).toBe("t4");
    expect(swarm.services.frontend?.swarm).toMatchObject({
      replicas: 2,
      placement: ["node.role == worker"],
      max_replicas_per_node: 1,
    });
    // Same app, image and health in both: only the name, site, ports and the runtime's own keys differ.
    expect(swarm.services.frontend?.health).toEqual(container.services.frontend?.health);
    expect(readFileSync(path, "utf8")).toContain("domains:\n    - sm.bench.test");
  });
});
