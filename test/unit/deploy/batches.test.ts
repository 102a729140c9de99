import { describe, expect, it } from "vitest";
import { fleetRollbackTarget } from "../../../src/deploy/batches.js";

describe("fleet rollback target", () => {
  const rec = (id: string, time: string, result: "deployed" | "failed" = "deployed") => ({
    id,
    commit: "c",
    images: {},
    time,
    actor: "a",
    result,
  });
  const h1 = { release: "r3", history: { releases: [rec("r1", "1"), rec("r2", "2"), rec("r3", "3")] } };
  // h2 failed its r3 deploy and stayed on r2: per host it would roll back to r1; the fleet goes to r2.
  const h2 = { release: "r2", history: { releases: [rec("r1", "1"), rec("r2", "2"), rec("r3", "3", "failed")] } };

  it("is the release before the fleet's last deploy, the same for every host", () => {
    expect(fleetRollbackTarget([h1, h2])).toBe("r2");
  });

  it("is null when no host has an earlier release", () => {
    expect(fleetRollbackTarget([{ release: "r1", history: { releases: [rec("r1", "1")] } }])).toBeNull();
    expect(fleetRollbackTarget([])).toBeNull();
  });
});
