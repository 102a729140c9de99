/**
 * The stack file (src/render/swarm-stack.ts) read by its real reader, `docker stack deploy` on the t4 manager of the
 * swarm playbooks/swarm.yml forms (formed first, or left as it is when it exists): two replicas of flask-docker placed
 * on the workers, one per node, each answering on its node's host-mode port; the image pulled by digest from the
 * sandbox registry by every node. The stack is removed afterwards. Run with `flock /tmp/slipway-swarm.lock`.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { buildImages } from "../../../src/build/build_images.js";
import { stackDeployArgv, stackRemoveArgv, stackTasksArgv } from "../../../src/commands/swarm.js";
import { parseConfigText } from "../../../src/config/load.js";
import { ensureSwarmSecrets, pruneSwarmSecrets } from "../../../src/deploy/swarm/secrets.js";
import { stackFromConfig } from "../../../src/render/from-config/swarm.js";
import { renderStack, stackName } from "../../../src/render/swarm-stack.js";
import { connectTarget, loadSandbox, onTarget, REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { formSwarm } from "./support.js";

const APP = "swstack";
const PORT = 18887;
const asRoot = { become: true };

function config(registry: string) {
  return parseConfigText(
    stringify({
      app: APP,
      runtime: "swarm",
      image: { registry, repository: `e2e-${APP}` },
      services: {
        web: {
          build: { context: "." },
          port: 8887,
          ports: { blue: PORT, green: PORT + 1 },
          health: { path: "/api/health" },
          secrets: ["SECRET_KEY"],
          // stop-first: a new task cannot bind its node's host-mode port while the old one holds it (docs/swarm.md).
          swarm: {
            replicas: 2,
            placement: ["node.role == worker"],
            max_replicas_per_node: 1,
            update: { order: "stop-first" },
          },
        },
      },
      inventory: { hosts: { t4: { address: sandboxTarget("t4").host } } },
      proxy: { routes: [{ path: "/", service: "web" }] },
    }),
    `${REPO_ROOT}/examples/flask-docker/slipway.yml`,
  );
}

async function tasks(stack: string): Promise<string[]> {
  const out = (await onTarget("t4", stackTasksArgv(stack), { ...asRoot, check: false })).stdout;
  return out.split("\n").filter((l) => / Running /.test(l));
}

/** The secret file of the running task of `stack` on `node` ("" while there is none). */
async function secretOn(node: string, stack: string): Promise<string> {
  const ids = await onTarget(
    node,
    ["docker", "ps", "-q", "--filter", `label=com.docker.stack.namespace=${stack}`],
    asRoot,
  );
  const id = ids.stdout.trim().split("\n")[0];
  if (!id) return "";
  const r = await onTarget(node, ["docker", "exec", id, "cat", "/run/secrets/SECRET_KEY"], { ...asRoot, check: false });
  return r.code === 0 ? r.stdout.trim() : "";
}

describe("a stack file deployed to the sandbox swarm (t4 manager, t5 and t6 workers)", () => {
  let stack = "";
  beforeAll(async () => {
    const formed = await formSwarm();
    if (!formed.ok) throw new Error("playbooks/swarm.yml failed on t4..t6: see cluster.test.ts");
  }, 120_000);
  afterAll(async () => {
    if (stack) await onTarget("t4", stackRemoveArgv(stack), { ...asRoot, check: false });
  });

  it("runs one task per worker, each answering on its node's host-mode port", async () => {
    const sandbox = loadSandbox();
    const [built] = await buildImages(
      [
        {
          service: "web",
          repository: `${sandbox.registry}/e2e-${APP}-web`,
          context: `${REPO_ROOT}/examples/flask-docker`,
        },
      ],
      {
        git: { commitSha: randomBytes(20).toString("hex"), branch: null, source: null },
        registries: { [sandbox.registry]: { insecure: true } },
      },
    );
    const cfg = config(sandbox.registry);
    const deployWith = async (secret: string) => {
      const host = await connectTarget("t4");
      try {
        const { names } = await ensureSwarmSecrets(host, cfg, { SECRET_KEY: secret });
        const model = stackFromConfig(cfg, {
          color: "blue",
          images: { web: built?.reference as string },
          secretNames: names,
        });
        stack = stackName(model.compose);
        const file = `/tmp/${stack}.yml`;
        await host.putFile(file, renderStack(model), { mode: 0o644, become: true });
        await host.exec(stackDeployArgv(stack, file), { ...asRoot, timeoutMs: 120_000 });
        return names;
      } finally {
        await host.close();
      }
    };
    await deployWith("first-value");
    let running: string[] = [];
    for (let i = 0; i < 90 && running.length < 2; i++) {
      running = await tasks(stack);
      if (running.length < 2) await new Promise((r) => setTimeout(r, 2000));
    }
    expect(running.map((l) => l.split(" ")[1]).sort()).toEqual(["t5", "t6"]);
    // stop_timeout (10s by default) reached the engine: what a task gets between SIGTERM and SIGKILL.
    const grace = await onTarget(
      "t4",
      [
        "docker",
        "service",
        "inspect",
        "--format",
        "{{.Spec.TaskTemplate.ContainerSpec.StopGracePeriod}}",
        `${stack}_web`,
      ],
      asRoot,
    );
    expect(grace.stdout.trim()).toBe("10s");
    for (const node of ["t5", "t6"]) {
      let body = "";
      for (let i = 0; i < 30 && !body.includes('"status"'); i++) {
        body = await fetch(`http://${sandboxTarget(node).host}:${PORT}/api/health`)
          .then((r) => r.text())
          .catch(() => "");
        if (!body.includes('"status"')) await new Promise((r) => setTimeout(r, 1000));
      }
      expect(body).toContain('"status": "ok"');
    }
    // Host mode: the manager runs no task, so nothing answers on its port (no routing mesh to lean on).
    const manager = await fetch(`http://${sandboxTarget("t4").host}:${PORT}/api/health`).then(
      () => "answered",
      () => "refused",
    );
    expect(manager).toBe("refused");

    // The secret is a file in each task; a new value is a new swarm secret and the stack deploy rotates the tasks to it.
    expect(await secretOn("t5", stack)).toBe("first-value");
    const names = await deployWith("second-value");
    let rotated = "";
    for (let i = 0; i < 60 && rotated !== "second-value second-value"; i++) {
      rotated = `${await secretOn("t5", stack)} ${await secretOn("t6", stack)}`;
      if (rotated !== "second-value second-value") await new Promise((r) => setTimeout(r, 2000));
    }
    expect(rotated).toBe("second-value second-value");
    const host = await connectTarget("t4");
    try {
      await pruneSwarmSecrets(host, cfg, names);
      const left = await host.exec(["docker", "secret", "ls", "--format", "{{.Name}}"], asRoot);
      expect(left.stdout.split("\n").filter((n) => n.startsWith(`${APP}_web_SECRET_KEY_`))).toEqual([
        names.web?.SECRET_KEY,
      ]);
    } finally {
      await host.close();
    }
  }, 420_000);
});
