import { describe, expect, it } from "vitest";
import {
  leftSwitchLine,
  noRollbackTarget,
  parseHistory,
  releasesToPrune,
  renderHistory,
  rollbackTarget,
  withRecord,
} from "../../../src/deploy/history.js";
import { isReleaseId, otherColor, releaseId } from "../../../src/deploy/release-id.js";
import type { ReleaseRecord } from "../../../src/deploy/types.js";

const rec = (id: string, result: ReleaseRecord["result"] = "deployed"): ReleaseRecord => ({
  id,
  commit: "c",
  images: {},
  time: "t",
  actor: "a",
  result,
});

describe("release ids", () => {
  it("are the short commit and the UTC time", () => {
    expect(releaseId("0123456789abcdef", new Date("2026-11-23T00:09:14.123Z"))).toBe("0123456-20261123000914");
    expect(releaseId("not a sha", new Date("2026-01-02T03:04:05Z"))).toBe("local-20260102030405");
    expect(releaseId("0123456789abcdef-dirty.a1b2c3d4e5f6", new Date("2026-11-23T00:09:14Z"))).toBe(
      "0123456-20261123000914",
    );
  });
  it("are one path segment", () => {
    expect(isReleaseId("0123456-20261123000914")).toBe(true);
    expect(isReleaseId("../etc")).toBe(false);
  });
  it("colors alternate", () => {
    expect(otherColor("blue")).toBe("green");
    expect(otherColor("green")).toBe("blue");
  });
});

describe("release history", () => {
  it("parses an absent file as empty and round-trips", () => {
    expect(parseHistory(undefined)).toEqual({ releases: [] });
    const h = withRecord({ releases: [] }, rec("a"));
    expect(parseHistory(renderHistory(h))).toEqual(h);
  });

  it("replaces a record with the same id and moves it last", () => {
    const h = withRecord(withRecord(withRecord({ releases: [] }, rec("a")), rec("b")), { ...rec("a"), actor: "x" });
    expect(h.releases.map((r) => `${r.id}:${r.actor}`)).toEqual(["b:a", "a:x"]);
  });

  it("rolls back to the deployed release before the live one, skipping failed and rolled-back ones", () => {
    const h = { releases: [rec("a"), rec("b", "rolled-back"), rec("c"), rec("d", "failed"), rec("e")] };
    expect(rollbackTarget(h, "e")?.id).toBe("c");
    expect(rollbackTarget(h, "c")?.id).toBe("a");
    expect(rollbackTarget(h, "a")).toBeUndefined();
    expect(rollbackTarget(h, "e", "a")?.id).toBe("a");
    expect(rollbackTarget(h, "e", "d")).toBeUndefined();
  });

  it("goes to the recorded live release when users are on a killed run's unrecorded one (D82)", () => {
    const h = { releases: [rec("a"), rec("b", "rolled-back"), rec("c"), rec("e")] };
    const left = { served: "green" as const, release: "k", run: "r1" };
    expect(rollbackTarget(h, "e", undefined, left)?.id).toBe("e");
    expect(rollbackTarget(h, "e", undefined, null)?.id).toBe("c");
    // --to wins; a live release the history does not name as deployed falls back to the usual rule.
    expect(rollbackTarget(h, "e", "a", left)?.id).toBe("a");
    expect(rollbackTarget(h, "x", undefined, left)?.id).toBe("e");
    expect(rollbackTarget(h, null, undefined, left)?.id).toBe("e");
    expect(leftSwitchLine(left, "blue", "e")).toBe(
      "nginx serves green (release k, not recorded: left by run r1); rollback goes to e: reconcile first points nginx back at the recorded blue, then the rollback deploys it",
    );
    expect(leftSwitchLine({ served: "blue", release: "", run: "" }, null, "e")).toBe(
      "nginx serves blue (release unknown, not recorded: left by run unknown); rollback goes to e: the rollback deploys it",
    );
  });

  it("says why there is no rollback target: a failed or rolled-back --to, an unknown id, nothing earlier", () => {
    const h = { releases: [rec("a"), rec("b", "rolled-back"), rec("c"), rec("d", "failed")] };
    const targets = "deployed releases on the host (a rollback can go to one of these): a, c";
    expect(noRollbackTarget(h, "c", "d")).toEqual({
      message: "release d failed its deploy on this host: it cannot be rolled back to",
      hint: targets,
    });
    expect(noRollbackTarget(h, "c", "b")).toEqual({
      message:
        "release b was rolled back from on this host: it cannot be rolled back to; deploy its commit again instead",
      hint: targets,
    });
    expect(noRollbackTarget(h, "c", "zz")).toEqual({
      message: "release zz is not in the host's history",
      hint: "releases on the host: a, b, c, d",
    });
    expect(noRollbackTarget(h, "a")).toEqual({
      message: "no earlier release to roll back to: a is the first deployed release on this host",
      hint: `${targets}; to run an older commit, deploy it`,
    });
    expect(noRollbackTarget({ releases: [rec("f", "failed")] }, null)).toEqual({
      message: "no release is deployed on this host yet: nothing to roll back to",
      hint: "deployed releases on the host (a rollback can go to one of these): none; to run an older commit, deploy it",
    });
  });

  it("prunes deployed releases beyond keep and old failed ones, never protected or the newest", () => {
    const h = { releases: [rec("a"), rec("b"), rec("f", "failed"), rec("c"), rec("d"), rec("g", "failed")] };
    const { prune, history } = releasesToPrune(h, 2, ["a"]);
    expect(prune).toEqual(["b", "f"]);
    expect(history.releases.map((r) => r.id)).toEqual(["a", "c", "d", "g"]);
  });

  it("keeps a release rolled back from like a deployed one: it is pruned only once beyond keep", () => {
    // The tester's case: a, b, c deployed; rollback c -> b records [a, c rolled-back, b]; then d is deployed.
    const h = { releases: [rec("a"), rec("c", "rolled-back"), rec("b"), rec("d")] };
    expect(releasesToPrune(h, 5, ["d", "b"]).prune).toEqual([]);
    expect(releasesToPrune(h, 3, ["d", "b"]).prune).toEqual(["a"]);
    const { prune, history } = releasesToPrune(h, 2, ["d", "b"]);
    expect(prune).toEqual(["a", "c"]);
    expect(history.releases.map((r) => r.id)).toEqual(["b", "d"]);
  });
});
