/** Runtime swarm's reading of `docker service ls`, `docker stack ps` and the nodes' addresses, by exact value. */
import { describe, expect, it } from "vitest";
import { parseServiceReplicas, parseTaskNodes, waitForReplicas } from "../../../../src/deploy/swarm/tasks.js";
import { FakeHost } from "../../engine/fake-host.js";

describe("swarm task parsing", () => {
  it("reads replica counts, with or without the max-per-node note", () => {
    expect(parseServiceReplicas("shop-blue_web 1/2 (max 1 per node)\nshop-blue_api 3/3\n\n")).toEqual({
      "shop-blue_web": { running: 1, wanted: 2 },
      "shop-blue_api": { running: 3, wanted: 3 },
    });
    expect(parseServiceReplicas("")).toEqual({});
  });

  it("keeps the nodes of running tasks only, by service", () => {
    const out = [
      "shop-blue_web.1 t5 Running 3 seconds ago",
      "shop-blue_web.2 t6 Starting 1 second ago",
      "shop-blue_web.3 t4 Running 2 minutes ago",
      "shop-blue_api.1 t4 Preparing 1 second ago",
    ].join("\n");
    expect(parseTaskNodes(out)).toEqual({ "shop-blue_web": ["t5", "t4"] });
  });

  it("an interrupt ends the start's wait for replicas within a poll (D56), not at the 120 s limit", async () => {
    const host = new FakeHost("t4");
    const controller = new AbortController();
    let polls = 0;
    host.handlers.set("docker", (argv) => {
      if (argv[1] !== "service" || argv[2] !== "ls") return { stdout: "" };
      polls++;
      if (polls === 2) setTimeout(() => controller.abort("SIGINT"), 10);
      return { stdout: "shop-blue_web 0/2\n" };
    });
    const started = Date.now();
    const error = await waitForReplicas(host, "shop-blue", ["shop-blue_web"], 120, controller.signal).catch(
      (e: unknown) => e,
    );
    expect(error).toBe("SIGINT");
    expect(polls).toBe(2);
    expect(Date.now() - started).toBeLessThan(2500);
  });
});
