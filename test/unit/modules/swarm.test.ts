/** The swarm module (src/modules/swarm.ts) and `hostvars` across plays, on fake hosts. */
import { describe, expect, it } from "vitest";
import { labelsToSet } from "../../../src/modules/swarm.js";
import type { FakeHost } from "../engine/fake-host.js";
import { runText } from "../engine/helpers.js";

/** A docker that answers like a node: `state` is its swarm state until it inits or joins. */
function node(host: FakeHost, state: "inactive" | "active", labels = "null") {
  let current = state;
  host.handlers.set("docker", (argv) => {
    const text = argv.join(" ");
    if (text.includes("LocalNodeState")) return { stdout: `${current}\n` };
    if (text.includes("Swarm.NodeID")) return { stdout: `id-${host.name}\n` };
    if (text.startsWith("docker swarm init")) current = "active";
    if (text.startsWith("docker swarm join-token")) return { stdout: "SWMTKN-1-secret\n" };
    if (text.startsWith("docker node inspect")) return { stdout: `${labels}\n` };
    return {};
  });
  host.handlers.set("sh", () => {
    current = "active";
    return {};
  });
}

const PLAYBOOK = `
- hosts: m
  tasks:
    - swarm: { role: manager, advertise_addr: 10.0.0.1, labels: { db: "true" } }
      register: mgr
- hosts: w
  tasks:
    - swarm: { role: worker, advertise_addr: 10.0.0.2, manager_addr: 10.0.0.1, join_token: "{{ hostvars['m'].mgr.token }}" }
`;

describe("swarm module", () => {
  it("initialises the manager, labels it, and joins a worker with the manager's token on stdin", async () => {
    const run = await runText(PLAYBOOK, { names: ["m", "w"], setup: (h) => node(h, "inactive") });
    expect(run.ok).toBe(true);
    const m = run.hosts.get("m") as FakeHost;
    expect(m.ran).toContain("docker swarm init --advertise-addr 10.0.0.1 --listen-addr 10.0.0.1:2377");
    expect(m.ran).toContain("docker node update --label-add db=true -- id-m");
    const w = run.hosts.get("w") as FakeHost;
    const join = w.commands.find((c) => c.argv[0] === "sh");
    expect(join?.stdin).toBe("SWMTKN-1-secret\n");
    expect(join?.argv.join(" ")).not.toContain("SWMTKN");
    expect(run.lines).toEqual(["m swarm changed", "w swarm changed"]);
  });

  it("leaves nodes already in the swarm, with their labels, as they are", async () => {
    const run = await runText(PLAYBOOK, { names: ["m", "w"], setup: (h) => node(h, "active", '{"db":"true"}') });
    expect(run.lines).toEqual(["m swarm ok", "w swarm ok"]);
    expect(
      (run.hosts.get("m") as FakeHost).ran.some((c) => c.includes("swarm init") || c.includes("node update")),
    ).toBe(false);
  });

  it("sets only the labels that are missing or different", () => {
    expect(labelsToSet({ db: "true", zone: "a" }, { db: "true", zone: "b", tier: "x" })).toEqual({
      zone: "b",
      tier: "x",
    });
    expect(labelsToSet(null, { db: "true" })).toEqual({ db: "true" });
  });
});
