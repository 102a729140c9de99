import { describe, expect, it } from "vitest";
import { NODE_STATUS_FORMAT } from "../../../src/commands/swarm.js";
import { parseConfigText } from "../../../src/config/load.js";
import { parseHostStatus, statusPlan } from "../../../src/deploy/status.js";
import { formatHostStatus, shortImage } from "../../../src/deploy/status-format.js";
import {
  clusterProblems,
  clusterStatus,
  parseNodes,
  parseStackTasks,
  swarmProbes,
  swarmStatusPlan,
} from "../../../src/deploy/status-swarm.js";

const CONFIG = `app: shop
runtime: swarm
image: { registry: "10.0.0.9:5000" }
services:
  web:
    image: 10.0.0.9:5000/shop-web
    port: 8000
    health: { path: /health }
    swarm: { replicas: 2, placement: ["node.role == worker"], max_replicas_per_node: 1 }
  db:
    image: postgres:16
    port: 5432
    accessory: true
    volumes: ["pgdata:/var/lib/postgresql/data"]
    swarm: { placement: ["node.labels.db == true"] }
inventory:
  hosts:
    m1: { address: 10.0.0.1 }
    w1: { address: 10.0.0.2 }
    w2: { address: 10.0.0.3 }
swarm: { manager: m1 }
proxy:
  routes:
    - { path: /, service: web }
`;

const config = () => parseConfigText(CONFIG, "/tmp/shop/slipway.yml");

// Captured from `docker node inspect --format NODE_STATUS_FORMAT` and `docker stack ps --no-trunc --format '{{json .}}'`
// on the sandbox swarm (docker 20.10), names changed to this config's.
const NODES = [
  '{"id":"p95b","hostname":"m1","role":"manager","availability":"active","state":"ready","address":"10.0.0.1","labels":{"db":"true"},"leader":true}',
  '{"id":"r5xt","hostname":"w1","role":"worker","availability":"drain","state":"ready","address":"10.0.0.2","labels":{"zone":"b"},"leader":false}',
  '{"id":"1xm2","hostname":"w2","role":"worker","availability":"active","state":"down","address":"10.0.0.3","labels":null,"leader":false}',
];
const DIGEST = `sha256:${"ab12".repeat(16)}`;
const row = (name: string, node: string, desired: string, current: string, error = "") =>
  JSON.stringify({
    CurrentState: current,
    DesiredState: desired,
    Error: error,
    ID: "x",
    Image: `10.0.0.9:5000/shop-web:latest@${DIGEST}`,
    Name: name,
    Node: node,
    Ports: "",
  });
const BLUE = [
  row("shop-blue_web.1", "w1", "Running", "Running 2 minutes ago"),
  row("shop-blue_web.2", "w2", "Ready", "Rejected 1 second ago", '"No such image: 10.0.0.9:5000/shop-web:latest"'),
  row("shop-blue_web.2", "w2", "Shutdown", "Rejected 6 seconds ago", '"No such image: 10.0.0.9:5000/shop-web:latest"'),
  row("shop-blue_web.2", "w1", "Shutdown", "Failed 9 seconds ago", '"task: non-zero exit (3)"'),
  row("shop-blue_web.2", "w1", "Shutdown", "Shutdown 2 minutes ago"),
];

describe("slipway status under runtime swarm (parsing)", () => {
  it("asks the manager for the nodes, three stacks and each app service's port on every node, both colors", () => {
    const plan = swarmStatusPlan(config());
    expect(plan.manager).toBe("m1");
    expect(swarmProbes(plan)).toEqual([
      { kind: "nodes", target: NODE_STATUS_FORMAT },
      { kind: "stack", target: "shop-blue" },
      { kind: "stack", target: "shop-green" },
      { kind: "stack", target: "shop-accessories" },
      { kind: "health", target: "http://10.0.0.1:8000/health" },
      { kind: "health", target: "http://10.0.0.2:8000/health" },
      { kind: "health", target: "http://10.0.0.3:8000/health" },
      { kind: "health", target: "http://10.0.0.1:18000/health" },
      { kind: "health", target: "http://10.0.0.2:18000/health" },
      { kind: "health", target: "http://10.0.0.3:18000/health" },
    ]);
  });

  it("reads the nodes, a node without labels as {}", () => {
    expect(parseNodes(NODES).nodes).toEqual([
      {
        hostname: "m1",
        role: "manager",
        availability: "active",
        state: "ready",
        address: "10.0.0.1",
        labels: { db: "true" },
        leader: true,
      },
      {
        hostname: "w1",
        role: "worker",
        availability: "drain",
        state: "ready",
        address: "10.0.0.2",
        labels: { zone: "b" },
        leader: false,
      },
      {
        hostname: "w2",
        role: "worker",
        availability: "active",
        state: "down",
        address: "10.0.0.3",
        labels: {},
        leader: false,
      },
    ]);
  });

  it("says why when the host is not a manager (the daemon's sentence)", () => {
    const refusal =
      'Error response from daemon: This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
    expect(parseNodes([refusal])).toEqual({ nodes: [], error: refusal });
    expect(parseNodes([])).toEqual({ nodes: [], error: "no answer from docker node ls" });
  });

  it("keeps the current task of each slot, with the slot's latest error and failures from the history", () => {
    expect(parseStackTasks("shop-blue", BLUE)).toEqual([
      {
        service: "web",
        slot: "1",
        node: "w1",
        desired: "running",
        state: "running",
        since: "2 minutes ago",
        error: "",
        image: `10.0.0.9:5000/shop-web:latest@${DIGEST}`,
        failures: 0,
      },
      {
        service: "web",
        slot: "2",
        node: "w2",
        desired: "ready",
        state: "rejected",
        since: "1 second ago",
        error: "No such image: 10.0.0.9:5000/shop-web:latest",
        image: `10.0.0.9:5000/shop-web:latest@${DIGEST}`,
        failures: 2,
      },
    ]);
  });

  it("takes a starting task's error from the slot's last failed task, and strips the table's \\_ prefix", () => {
    const tasks = parseStackTasks("shop-blue", [
      row("shop-blue_web.1", "w1", "Running", "Starting 3 seconds ago"),
      row(
        " \\_ shop-blue_web.1",
        "w1",
        "Shutdown",
        "Failed 20 seconds ago",
        '"task: non-zero exit (137): dockerexec: unhealthy container"',
      ),
    ]);
    expect(tasks.map((t) => [t.service, t.slot, t.state, t.error, t.failures])).toEqual([
      ["web", "1", "starting", "task: non-zero exit (137): dockerexec: unhealthy container", 1],
    ]);
    expect(parseStackTasks("shop-green", [])).toEqual([]);
  });

  it("puts each running app task's health from its node's address and lists the problems", () => {
    const plan = swarmStatusPlan(config());
    const sections = new Map<string, string[]>([
      [`nodes|${NODE_STATUS_FORMAT}`, NODES],
      ["stack|shop-blue", BLUE],
      ["stack|shop-green", []],
      ["stack|shop-accessories", [row("shop-accessories_db.1", "m1", "Running", "Running 1 hour ago")]],
      ["health|http://10.0.0.2:8000/health", ["502"]],
      ["health|http://10.0.0.3:8000/health", ["000"]],
    ]);
    const cluster = clusterStatus(plan, sections, "blue");
    expect(cluster.stacks.map((s) => [s.stack, s.color, s.live, s.tasks.length])).toEqual([
      ["shop-blue", "blue", true, 2],
      ["shop-green", "green", false, 0],
      ["shop-accessories", null, true, 1],
    ]);
    expect(cluster.stacks[0]?.tasks[0]?.health).toEqual({
      url: "http://10.0.0.2:8000/health",
      status: 502,
      expected: 200,
      healthy: false,
    });
    // Not running: no health asked of it; the accessory has no HTTP check.
    expect(cluster.stacks[0]?.tasks[1]?.health).toBeUndefined();
    expect(cluster.stacks[2]?.tasks[0]?.health).toBeUndefined();
    expect(clusterProblems(cluster)).toEqual([
      "node w2 is down",
      "shop-blue_web.1 on w1 health 502 (want 200)",
      "shop-blue_web.2 is rejected (No such image: 10.0.0.9:5000/shop-web:latest)",
    ]);
    // No live color yet: only the accessories serve, an empty color stack is not a problem.
    const none = clusterStatus(plan, new Map([[`nodes|${NODE_STATUS_FORMAT}`, NODES.slice(0, 2)]]), null);
    expect(clusterProblems(none)).toEqual(["stack shop-accessories has no tasks"]);
  });

  it("puts the cluster on the manager's status and prints it; a worker keeps no release of its own", () => {
    const cfg = config();
    const base = statusPlan({ ...cfg, services: {} }, () => [], null);
    expect(base.probes).toEqual([]);
    const swarm = swarmStatusPlan(cfg);
    const out = [
      "@@current",
      "/opt/shop/releases/r7",
      "@@color",
      "blue",
      "@@lock",
      "",
      "@@disk",
      "/dev/sda1 10485760 5242880 5242880 50% /",
      `@@nodes|${NODE_STATUS_FORMAT}`,
      NODES[0],
      NODES[1],
      "@@stack|shop-blue",
      BLUE[0],
      "@@stack|shop-green",
      "@@stack|shop-accessories",
      row("shop-accessories_db.1", "m1", "Running", "Running 1 hour ago"),
      "@@health|http://10.0.0.2:8000/health",
      "200",
    ].join("\n");
    const manager = parseHostStatus("m1", "/opt/shop", { ...base, swarm }, out);
    expect(manager.problems).toEqual([]);
    expect(formatHostStatus(manager).split("\n")).toEqual([
      "m1: r7 on blue; lock free; disk 5.0 GiB free (50% used)",
      "  NODE  ROLE              AVAILABILITY  STATE  LABELS",
      "  m1    manager (leader)  active        ready  db=true",
      "  w1    worker            drain         ready  zone=b",
      "  STACK              TASK   NODE  DESIRED  CURRENT                HEALTH  IMAGE                                              ERROR",
      "  shop-blue*         web.1  w1    running  running 2 minutes ago  200 ok  10.0.0.9:5000/shop-web:latest@sha256:ab12ab12ab12",
      "  shop-accessories*  db.1   m1    running  running 1 hour ago             10.0.0.9:5000/shop-web:latest@sha256:ab12ab12ab12",
      "  healthy",
    ]);
    const worker = parseHostStatus("w1", "/opt/shop", { ...base, expectRelease: false }, "@@current\n@@color\n");
    expect(worker.problems).toEqual([]);
    expect(worker.cluster).toBeUndefined();
  });

  it("shortens a pinned digest for the table only", () => {
    expect(shortImage(`r/app:1@${DIGEST}`)).toBe("r/app:1@sha256:ab12ab12ab12");
    expect(shortImage("postgres:16")).toBe("postgres:16");
  });
});
