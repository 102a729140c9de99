import { describe, expect, it } from "vitest";
import {
  newestLive,
  oneRelease,
  rollbackStays,
  rollbackToCoverage,
  rollbackToHint,
} from "../../../src/deploy/batches.js";
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

describe("a rollback without --to after a rollout that stopped part-way", () => {
  it("hosts live on an older release than the fleet's newest stay (the undone deploy never reached them) (the undone deploy never reached them)", () => {
    const at = (id: string, time: string) => ({
      id,
      commit: "c",
      images: {},
      time,
      actor: "a",
      result: "deployed" as const,
    });
    const r0 = at("r0", "2026-12-01T10:00:00Z");
    const r1 = at("r1", "2026-12-01T11:00:00Z");
    const r2 = at("r2", "2026-12-01T12:00:00Z");
    // A rollout of r2 stopped after its first batch: A on r2, B still on r1.
    const a = { name: "A", release: "r2", history: { releases: [r0, r1, r2] }, intent: false };
    const b = { name: "B", release: "r1", history: { releases: [r0, r1] }, intent: false };
    expect(rollbackStays([a, b])).toEqual({ newest: "r2", stays: [{ name: "B", release: "r1" }] });
    // Every host on the newest: all go back.
    expect(rollbackStays([a, { ...b, name: "C", release: "r2", history: a.history }])).toEqual({
      newest: "r2",
      stays: [],
    });
    // A killed run's switch intent on B: the rollback judges it (D82), it is not left out here.
    expect(rollbackStays([a, { ...b, intent: true }]).stays).toEqual([]);
    // A host never deployed is not judged either: the rollback's own error names it.
    expect(rollbackStays([a, { ...b, release: null }]).stays).toEqual([]);
    // newestLive alone: the latest record time wins, a record with no readable time is never the newest.
    expect(newestLive([b, a])).toBe("r2");
    expect(newestLive([a, { ...b, history: { releases: [{ ...r1, time: "t" }] } }])).toBe("r2");
    expect(newestLive([{ ...b, history: { releases: [{ ...r1, time: "t" }] } }])).toBeNull();
    // No record of the live release anywhere: nothing to compare by.
    expect(rollbackStays([{ ...b, history: { releases: [] } }])).toEqual({ newest: null, stays: [] });
  });
});
