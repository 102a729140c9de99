/**
 * playbooks/swarm.yml on the swarm engineer's targets t4 (manager), t5 and t6 (workers): a three-node swarm forms,
 * the manager labels the nodes from `swarm.node_labels`, and a second run changes nothing. The swarm is left in place
 * (the deploy tests use it). Run with `flock /tmp/slipway-swarm.lock`.
 */
import { describe, expect, it } from "vitest";
import { onTarget } from "../support/sandbox.js";
import { formSwarm } from "./support.js";

describe("playbooks/swarm.yml on t4..t6", () => {
  const run = formSwarm;

  it("forms a three-node swarm with the labels, and converges on a second run", async () => {
    const first = await run();
    const failed = first.outcomes.filter((o) => o.status === "failed" || o.status === "unreachable");
    expect(failed.map((o) => `${o.host} ${o.task}: ${o.msg}`)).toEqual([]);
    const nodes = (
      await onTarget("t4", ["docker", "node", "ls", "--format", "{{.Hostname}} {{.Status}}"], { become: true })
    ).stdout
      .trim()
      .split("\n")
      .sort();
    expect(nodes).toEqual(["t4 Ready", "t5 Ready", "t6 Ready"]);
    const labels = async (node: string) =>
      JSON.parse(
        (
          await onTarget("t4", ["docker", "node", "inspect", "--format", "{{json .Spec.Labels}}", node], {
            become: true,
          })
        ).stdout,
      );
    expect(await labels("t4")).toMatchObject({ db: "true" });
    expect(await labels("t5")).toMatchObject({ zone: "b" });

    const second = await run();
    expect(second.ok).toBe(true);
    expect(second.outcomes.filter((o) => o.status === "changed").map((o) => `${o.host} ${o.task}`)).toEqual([]);
  }, 240_000);
});
