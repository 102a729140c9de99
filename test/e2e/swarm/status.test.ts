/**
 * `slipway status` under runtime swarm, on the sandbox swarm (t4 manager, t5 and t6 workers, formed by
 * playbooks/swarm.yml): the blue stack (two replicas of flask-docker, one per worker, host-mode ports) and an
 * accessory pinned to t4 by its node label are deployed with `docker stack deploy` on t4, the manager's deploy dir
 * records blue as live (what a deploy leaves), and the real CLI reads it all through the manager. Then it is broken on
 * purpose: a drained worker leaves a task with no node to go to, and a worker named as the manager cannot answer.
 * Run with `flock /tmp/slipway-swarm.lock`.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { buildImages } from "../../../src/build/build_images.js";
import { nodeAvailabilityArgv, stackDeployArgv, stackRemoveArgv, stackTasksArgv } from "../../../src/commands/swarm.js";
import { parseConfigText } from "../../../src/config/load.js";
import type { HostStatus } from "../../../src/deploy/status.js";
import { stackFromConfig } from "../../../src/render/from-config/swarm.js";
import { renderStack } from "../../../src/render/swarm-stack.js";
import { slipway } from "../../support/cli-in-process.js";
import { connectTarget, loadSandbox, onTarget, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { formSwarm } from "./support.js";

const APP = "swstatus";
const PORT = 18893;
const DEPLOY_DIR = `/opt/${APP}`;
const asRoot = { become: true };

function configYaml(registry: string, manager: string): Record<string, unknown> {
  const sandbox = loadSandbox();
  const host = (name: string) => ({ address: sandboxTarget(name).host });
  return {
    app: APP,
    runtime: "swarm",
    deploy_dir: DEPLOY_DIR,
    image: { registry, repository: `e2e-${APP}` },
    services: {
      web: {
        build: { context: "." },
        port: 8887,
        ports: { blue: PORT, green: PORT + 1 },
        health: { path: "/api/health" },
        swarm: { replicas: 2, placement: ["node.role == worker"], max_replicas_per_node: 1 },
      },
      cache: {
        image: `${registry}/e2e-${APP}-web`,
        port: 8887,
        accessory: true,
        swarm: { placement: ["node.labels.db == true"] },
      },
    },
    inventory: {
      ssh: { user: "deploy", known_hosts_file: sandbox.knownHostsPath, identity_file: sandbox.privateKeyPath },
      hosts: { t4: host("t4"), t5: host("t5"), t6: host("t6") },
    },
    proxy: { routes: [{ path: "/", service: "web" }] },
    swarm: { manager, node_labels: { t4: { db: "true" }, t5: { zone: "b" } } },
  };
}

function writeConfig(registry: string, manager: string): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-swarm-status-"));
  const path = join(dir, "slipway.yml");
  writeFileSync(path, stringify(configYaml(registry, manager)));
  return path;
}

async function runningTasks(stack: string): Promise<string[]> {
  const out = (await onTarget("t4", stackTasksArgv(stack), { ...asRoot, check: false })).stdout;
  return out.split("\n").filter((l) => / Running /.test(l));
}

async function waitFor(what: string, done: () => Promise<boolean>, seconds = 180): Promise<void> {
  for (let i = 0; i < seconds / 2; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 2000));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function status(path: string): Promise<{ code: number; manager: HostStatus | undefined; text: string }> {
  const json = await slipway("status", "--json", "-c", path);
  const hosts = JSON.parse(json.stdout) as HostStatus[];
  const text = await slipway("status", "-c", path);
  return { code: json.code, manager: hosts.find((h) => h.host === "t4"), text: text.stdout };
}

describe("slipway status of a swarm (t4 manager, t5 and t6 workers)", () => {
  let registry = "";
  beforeAll(async () => {
    const formed = await formSwarm();
    if (!formed.ok) throw new Error("playbooks/swarm.yml failed on t4..t6: see cluster.test.ts");
    const sandbox = loadSandbox();
    registry = sandbox.registry;
    const [built] = await buildImages(
      [{ service: "web", repository: `${registry}/e2e-${APP}-web`, context: `${REPO_ROOT}/examples/flask-docker` }],
      {
        git: { commitSha: randomBytes(20).toString("hex"), branch: null, source: null },
        registries: { [registry]: { insecure: true } },
      },
    );
    const image = built?.reference as string;
    const cfg = parseConfigText(stringify(configYaml(registry, "t4")), "/tmp/swarm-status/slipway.yml");
    const blue = renderStack(stackFromConfig(cfg, { color: "blue", images: { web: image } }));
    // The accessories' stack as the deploy is meant to write it: one task, pinned by the node label, on the overlay
    // network the color stacks join (declared external in theirs, so it goes first).
    const accessories = stringify({
      version: "3.8",
      networks: { default: { name: `${APP}-accessories`, driver: "overlay", attachable: true } },
      services: {
        cache: {
          image,
          deploy: { replicas: 1, placement: { constraints: ["node.labels.db == true"] } },
        },
      },
    });
    const host = await connectTarget("t4");
    try {
      await host.putFile(`/tmp/${APP}-blue.yml`, blue, { mode: 0o644, become: true });
      await host.putFile(`/tmp/${APP}-accessories.yml`, accessories, { mode: 0o644, become: true });
      await host.exec(stackDeployArgv(`${APP}-accessories`, `/tmp/${APP}-accessories.yml`), {
        ...asRoot,
        timeoutMs: 120_000,
      });
      await host.exec(stackDeployArgv(`${APP}-blue`, `/tmp/${APP}-blue.yml`), { ...asRoot, timeoutMs: 120_000 });
      // What a deploy leaves on the hosts it runs on (the manager and the nginx hosts: every node here, as proxy.hosts
      // is unset): the live release and its color.
      for (const node of ["t4", "t5", "t6"]) {
        await onTarget(
          node,
          [
            "sh",
            "-c",
            'mkdir -p "$1/releases/r1" && ln -sfn "$1/releases/r1" "$1/current" && echo blue > "$1/color"',
            "sh",
            DEPLOY_DIR,
          ],
          asRoot,
        );
      }
    } finally {
      await host.close();
    }
    await waitFor("both web tasks and the cache running", async () => {
      const web = await runningTasks(`${APP}-blue`);
      const cache = await runningTasks(`${APP}-accessories`);
      return web.length === 2 && cache.length === 1;
    });
  }, 420_000);

  afterAll(async () => {
    await onTarget("t4", nodeAvailabilityArgv("t6", "active"), { ...asRoot, check: false });
    for (const stack of [`${APP}-blue`, `${APP}-accessories`]) {
      await onTarget("t4", stackRemoveArgv(stack), { ...asRoot, check: false });
    }
    for (const node of ["t4", "t5", "t6"])
      await onTarget(node, ["rm", "-rf", "--", DEPLOY_DIR], { ...asRoot, check: false });
  }, 60_000);

  it("shows the nodes with their labels and each task on its node, healthy through its host-mode port", async () => {
    const path = writeConfig(registry, "t4");
    // The flask app takes a few seconds after its task is running before it answers.
    let seen: Awaited<ReturnType<typeof status>> | undefined;
    await waitFor(
      "a healthy status",
      async () => {
        seen = await status(path);
        if (seen.code !== 0) console.log(`status exit ${seen.code}: ${seen.manager?.problems.join("; ")}`);
        return seen.code === 0;
      },
      90,
    );
    const { manager, text } = seen as Awaited<ReturnType<typeof status>>;
    const cluster = manager?.cluster;
    expect(manager?.problems).toEqual([]);
    expect(cluster?.nodes.map((n) => [n.hostname, n.role, n.leader, n.availability, n.state, n.labels])).toEqual([
      ["t4", "manager", true, "active", "ready", { db: "true" }],
      ["t5", "worker", false, "active", "ready", { zone: "b" }],
      ["t6", "worker", false, "active", "ready", {}],
    ]);
    const blue = cluster?.stacks.find((s) => s.stack === `${APP}-blue`);
    expect(blue?.live).toBe(true);
    expect(
      blue?.tasks
        .map((t) => [t.service, t.node, t.desired, t.state, t.health?.status])
        .sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    ).toEqual([
      ["web", "t5", "running", "running", 200],
      ["web", "t6", "running", "running", 200],
    ]);
    expect(blue?.tasks[0]?.image).toMatch(new RegExp(`^${registry}/e2e-${APP}-web(:[^@]+)?@sha256:[0-9a-f]{64}$`));
    expect(cluster?.stacks.find((s) => s.stack === `${APP}-green`)?.tasks).toEqual([]);
    const cache = cluster?.stacks.find((s) => s.stack === `${APP}-accessories`);
    expect(cache?.tasks.map((t) => [t.service, t.slot, t.node, t.state])).toEqual([["cache", "1", "t4", "running"]]);
    // A worker's block has no cluster of its own: the manager's view is the one.
    expect(text).toMatch(/^t5: r1 on blue; lock free; .*\n {2}healthy$/m);
    expect(text).toMatch(new RegExp(`^ {2}${APP}-blue\\* +web\\.\\d +t5 +running +running .* 200 ok`, "m"));
    expect(text).toMatch(new RegExp(`^ {2}${APP}-accessories\\* +cache\\.1 +t4 +running`, "m"));
  }, 240_000);

  it("a drained worker: its task has no node left to go to, status says so and exits 2", async () => {
    await onTarget("t4", nodeAvailabilityArgv("t6", "drain"), asRoot);
    const path = writeConfig(registry, "t4");
    let seen: Awaited<ReturnType<typeof status>> | undefined;
    await waitFor(
      "the drained task pending",
      async () => {
        seen = await status(path);
        return (seen.manager?.problems ?? []).some((p) => p.includes(" is pending"));
      },
      60,
    );
    const { code, manager } = seen as Awaited<ReturnType<typeof status>>;
    expect(code).toBe(2);
    expect(manager?.cluster?.nodes.find((n) => n.hostname === "t6")?.availability).toBe("drain");
    // max_replicas_per_node 1 and two workers: the engine's own words say why the slot waits.
    expect(manager?.problems.join("\n")).toMatch(new RegExp(`${APP}-blue_web\\.\\d is pending \\(.*suitable node`));
    await onTarget("t4", nodeAvailabilityArgv("t6", "active"), asRoot);
  }, 120_000);

  it("a worker named as the manager: the daemon's refusal, exit 2", async () => {
    const ran = await slipway("status", "--json", "-c", writeConfig(registry, "t5"));
    const t5 = (JSON.parse(ran.stdout) as HostStatus[]).find((h) => h.host === "t5");
    expect(ran.code).toBe(2);
    expect(t5?.problems).toContainEqual(expect.stringMatching(/^swarm: .*not a swarm manager/));
  }, 60_000);
});
