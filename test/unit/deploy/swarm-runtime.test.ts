/**
 * Runtime swarm's color runtime on a scripted manager (the one fake host): what it refuses before anything changes,
 * what a plan stages without writing, the argv of a start and where the gate reaches each task.
 */
import { describe, expect, it } from "vitest";
import { NODE_STATUS_FORMAT, stackDeployArgv } from "../../../src/commands/swarm.js";
import type { SlipwayConfig } from "../../../src/config/index.js";
import { swarmRuntime } from "../../../src/deploy/swarm-runtime.js";
import { accessoriesStackFromConfig } from "../../../src/render/from-config/swarm.js";
import { renderStack } from "../../../src/render/swarm-stack.js";
import { FakeHost } from "../engine/fake-host.js";
import { configWith } from "../render/from-config/config.js";

const digest = `10.213.0.1:5000/shop-web@sha256:${"b".repeat(64)}`;
const config = (image: Record<string, unknown> = { registry: "10.213.0.1:5000" }) =>
  configWith({
    runtime: "swarm",
    image,
    services: { web: { build: { context: "." }, port: 8000, secrets: ["KEY"], swarm: { replicas: 2 } } },
    proxy: { routes: [{ path: "/", service: "web" }] },
  });

/** A manager whose services all run and whose `web` tasks run on t5 and t6. */
function manager(isManager = "true") {
  return new FakeHost("t4", (argv) => {
    const line = argv.join(" ");
    if (line.includes("ControlAvailable")) return { stdout: `${isManager}\n` };
    if (line.startsWith("docker service ls")) return { stdout: "shop-blue_web 2/2\n" };
    if (line.startsWith("docker stack ps"))
      return { stdout: "shop-blue_web.1 t5 Running 3 seconds ago\nshop-blue_web.2 t6 Running 3 seconds ago\n" };
    if (argv[2]?.includes("docker node inspect") && argv[4] === NODE_STATUS_FORMAT) {
      const node = (h: string, a: string) => JSON.stringify({ hostname: h, address: a });
      return { stdout: `${node("t5", "10.213.0.15")}\n${node("t6", "10.213.0.16")}\n` };
    }
    return undefined;
  });
}

describe("swarm runtime", () => {
  it("refuses a host that is not a manager before anything changes", async () => {
    await expect(swarmRuntime(config(), manager("false")).prepare?.()).rejects.toThrow("t4 is not a manager");
  });

  it("plans the stack file and the secret without writing either", async () => {
    const host = manager();
    const staged = await swarmRuntime(config(), host).stage("blue", {
      releaseId: "r1",
      env: {},
      images: { web: digest },
      secrets: { KEY: "v" },
      check: true,
    });
    expect(staged.changed).toBe(true);
    expect(staged.actions).toEqual(["would write /opt/shop/swarm/blue.yml (stack shop-blue)"]);
    expect(staged.diffs[0]).toContain("+      - source: shop_web_KEY_");
    expect(host.commands.some((c) => c.argv.includes("create"))).toBe(false);
    expect(host.files.has("/opt/shop/swarm/blue.yml")).toBe(false);
  });

  it("starts the color with docker stack deploy and gates each task on its node's address", async () => {
    const host = manager();
    const runtime = swarmRuntime(config(), host);
    await runtime.start("blue");
    expect(host.commands[0]?.argv).toEqual(stackDeployArgv("shop-blue", "/opt/shop/swarm/blue.yml"));
    expect(await runtime.isRunning("blue")).toBe(true);
    expect(await runtime.gateAddresses?.("blue", "web")).toEqual(["10.213.0.15", "10.213.0.16"]);
  });

  it("a refused accessory move is attributed to the step that runs it, stage (not 'accessories')", async () => {
    const pg = `10.213.0.1:5000/shop-db@sha256:${"c".repeat(64)}`;
    const withDb = (placement: string[]): SlipwayConfig =>
      configWith({
        runtime: "swarm",
        image: { registry: "10.213.0.1:5000" },
        services: {
          web: { build: { context: "." }, port: 8000, swarm: { replicas: 2 } },
          db: { image: pg, port: 5432, accessory: true, volumes: ["pg:/data"], swarm: { placement } },
        },
        proxy: { routes: [{ path: "/", service: "web" }] },
      });
    const live = accessoriesStackFromConfig(withDb(["node.labels.db == true"]), {
      images: { db: pg },
      secretNames: {},
    });
    const steps: (string | undefined)[] = [];
    const host = new FakeHost("t4", (argv, options) => {
      steps.push(options.step);
      if (argv.slice(0, 3).join(" ") === "docker service inspect") return { stdout: '["node.labels.db == true"]\n' };
      return undefined;
    });
    host.writeFile("/opt/shop/swarm/accessories.yml", renderStack(live as NonNullable<typeof live>));
    const staged = swarmRuntime(withDb(["node.hostname == t5"]), host).stage("blue", {
      releaseId: "r1",
      env: {},
      images: { web: digest },
      secrets: {},
      check: true,
    });
    await expect(staged).rejects.toMatchObject({ host: "t4", step: "stage" });
    const inspect = host.commands.findIndex((c) => c.argv.slice(0, 3).join(" ") === "docker service inspect");
    expect(steps[inspect]).toBe("stage");
  });
});
