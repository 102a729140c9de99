/** A swarm accessory with volumes is not moved to another node by a deploy: what counts as a move, when it is refused. */
import { describe, expect, it } from "vitest";
import { placementMoves, refusePlacementMoves } from "../../../../src/deploy/swarm/accessory-placement.js";
import { FakeHost } from "../../engine/fake-host.js";

const stack = (dbPlacement: string[], cachePlacement: string[] = ["node.role == manager"]) =>
  [
    "services:",
    "  db:",
    "    image: pg",
    "    volumes: ['pg:/var/lib/postgresql/data']",
    `    deploy: { placement: { constraints: ${JSON.stringify(dbPlacement)} } }`,
    "  cache:",
    "    image: redis",
    `    deploy: { placement: { constraints: ${JSON.stringify(cachePlacement)} } }`,
    "volumes:",
    "  pg: { name: shop-pg }",
  ].join("\n");

const labelled = ["node.labels.db == true"];
const worker = ["node.hostname == t12"];
const move = { service: "db", volumes: ["shop-pg"], from: labelled, to: worker };

/** A manager whose `shop-accessories_db` service runs with `constraints` (a JSON array, or null). */
function manager(constraints: string) {
  return new FakeHost("t10", (argv) =>
    argv.slice(0, 3).join(" ") === "docker service inspect" ? { stdout: `${constraints}\n` } : undefined,
  );
}

describe("placementMoves", () => {
  it("names an accessory with a volume whose constraints change, with its volume's docker name", () => {
    expect(placementMoves(stack(labelled), stack(worker))).toEqual([move]);
  });

  it("ignores the order of constraints, a service without volumes and a first deploy", () => {
    const two = ["node.labels.db == true", "node.role == manager"];
    expect(placementMoves(stack(two), stack([...two].reverse()))).toEqual([]);
    expect(placementMoves(stack(labelled), stack(labelled, ["node.role == worker"]))).toEqual([]);
    expect(placementMoves(undefined, stack(worker))).toEqual([]);
  });

  it("counts a placement added to an unpinned accessory as a move", () => {
    expect(placementMoves(stack([]), stack(labelled))).toEqual([{ ...move, from: [], to: labelled }]);
  });
});

describe("refusePlacementMoves", () => {
  it("refuses while the running service still has the old placement, with the way to move the data", async () => {
    const host = manager(JSON.stringify(labelled));
    const error = await refusePlacementMoves(host, "shop-accessories", [move]).catch((e: unknown) => e);
    expect(error).toMatchObject({
      message:
        'accessory db keeps its data in volume(s) shop-pg on the node it runs on; its new placement ["node.hostname == t12"] ' +
        `(was ["node.labels.db == true"]) would start it on another node's empty volume: refusing (nothing was changed)`,
      host: "t10",
      step: "stage",
    });
    expect((error as { hint: string }).hint).toContain(
      "then on the manager: docker service update --constraint-rm 'node.labels.db == true' --constraint-add 'node.hostname == t12' shop-accessories_db; then deploy again",
    );
    expect(host.commands.map((c) => c.argv.join(" "))).toEqual([
      "docker service inspect --format {{json .Spec.TaskTemplate.Placement.Constraints}} shop-accessories_db",
    ]);
  });

  it("lets the deploy go on once the service was moved by hand (its constraints are already the new ones)", async () => {
    await expect(refusePlacementMoves(manager(JSON.stringify(worker)), "shop-accessories", [move])).resolves.toBe(
      undefined,
    );
    await expect(
      refusePlacementMoves(manager("null"), "shop-accessories", [{ ...move, from: labelled, to: [] }]),
    ).resolves.toBe(undefined);
  });
});
