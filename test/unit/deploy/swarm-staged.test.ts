/**
 * What runtime swarm's stage writes on the manager, byte for byte: the accessories' stack file and the color's stack
 * file (the release manifest aside), secrets under their versioned names. The golden file was recorded before
 * `slipway render` learned to show these files (render/from-config), so a render change that moved the deploy shows.
 */
import { describe, expect, it } from "vitest";
import { expectGolden } from "../render/golden.js";
import { stagedSwarmFiles, swarmShop } from "./swarm/swarm-shop.js";

describe("runtime swarm's stage", () => {
  it("writes the accessories' stack file and the color's, exactly", async () => {
    const written = await stagedSwarmFiles(swarmShop(), "green");
    expect([...written.keys()]).toEqual(["/opt/shop/swarm/accessories.yml", "/opt/shop/swarm/green.yml"]);
    expectGolden("swarm/staged-green.txt", [...written].map(([path, file]) => `### ${path} ${file}`).join("\n"));
  });
});
