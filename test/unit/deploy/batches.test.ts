import { describe, expect, it } from "vitest";
import { oneRelease, rollbackToCoverage, rollbackToHint } from "../../../src/deploy/batches.js";
import { hostSpecific } from "../../../src/deploy/fleet.js";
import { rollbackTarget } from "../../../src/deploy/history.js";
import { FakeHost } from "../engine/fake-host.js";
import { configWith } from "../render/from-config/config.js";

describe("rollback over a fleet whose hosts have different histories", () => {
  const rec = (id: string, result: "deployed" | "failed" = "deployed") => ({
    id,
    commit: "c",
    images: {},
    time: "t",
    actor: "a",
    result,
  });
  // A canary: `deploy -l t1` (c1) between two deploys to all (a, b).
  const t1 = { name: "t1", release: "b", history: { releases: [rec("a"), rec("c1"), rec("b")] } };
  const t2 = { name: "t2", release: "b", history: { releases: [rec("a"), rec("b")] } };

  it("without --to each host goes to its own previous release", () => {
    expect(rollbackTarget(t1.history, t1.release)?.id).toBe("c1");
    expect(rollbackTarget(t2.history, t2.release)?.id).toBe("a");
    expect(oneRelease(new Set(["c1", "a"]))).toBe("");
    expect(oneRelease(new Set(["a"]))).toBe("a");
  });

  it("--to a release only some hosts ran names the others, and the way out", () => {
    expect(rollbackToCoverage([t1, t2], "c1")).toEqual({ lacking: ["t2"], having: ["t1"] });
    expect(rollbackToCoverage([t1, t2], "a")).toEqual({ lacking: [], having: ["t1", "t2"] });
    const failed = { ...t2, history: { releases: [rec("a"), rec("c1", "failed"), rec("b")] } };
    expect(rollbackToCoverage([t1, failed], "c1").lacking).toEqual(["t2"]);
    expect(rollbackToHint("c1", ["t1"])).toBe(
      "roll back the hosts that have it alone (`slipway rollback --to c1 -l t1`), or run `slipway rollback` without --to: each host goes back to its own previous release",
    );
    expect(rollbackToHint("zz", [])).toBe(
      "run `slipway rollback` without --to: each host goes back to its own previous release",
    );
  });
});

describe("a rollback on a host added since the last deploy", () => {
  it("fails there saying how to roll back the others without it", async () => {
    const run = { config: configWith({}), releaseId: "" } as Parameters<typeof hostSpecific>[0];
    await expect(hostSpecific(run, new FakeHost("b"))).rejects.toMatchObject({
      message: "no release is deployed on this host yet: nothing to roll back to",
      hint: "deployed releases on the host (a rollback can go to one of these): none; to run an older commit, deploy it; to roll back the other hosts, leave this one out: -l 'all,!b'",
    });
  });
});
