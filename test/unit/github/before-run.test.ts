import { describe, expect, it } from "vitest";
import { beforeRunFrom } from "../../../src/github/before-run.js";

describe("what is live before the run", () => {
  const record = (id: string, commit: string) => ({
    id,
    commit,
    images: {},
    time: "2026-01-01T00:00:00Z",
    actor: "a",
    result: "deployed" as const,
  });
  const history = { releases: [record("r1", "c1"), record("r2", "c2"), record("r3", "c3")] };

  it("the previous release and, for a rollback, the commit that will serve", () => {
    const hosts = [
      { name: "t0", error: "unreachable" },
      { name: "t1", live: { release: "r3", color: "blue" as const, history } },
    ];
    expect(beforeRunFrom(hosts, undefined, false)).toEqual({ previousRelease: "r3" });
    expect(beforeRunFrom(hosts, undefined, true)).toEqual({
      previousRelease: "r3",
      target: { release: "r2", commit: "c2" },
    });
    expect(beforeRunFrom(hosts, "r1", true)).toEqual({
      previousRelease: "r3",
      target: { release: "r1", commit: "c1" },
    });
  });

  it("a rollback to a release the history does not have: no target (no deployment of HEAD)", () => {
    const hosts = [{ name: "t1", live: { release: "r3", color: "blue" as const, history } }];
    expect(beforeRunFrom(hosts, "r9", true)).toEqual({ previousRelease: "r3" });
  });

  it("a first deploy, or no host answering: nothing known", () => {
    expect(
      beforeRunFrom(
        [{ name: "t1", live: { release: null, color: null, history: { releases: [] } } }],
        undefined,
        false,
      ),
    ).toEqual({});
    expect(beforeRunFrom([{ name: "t1", error: "timeout" }], undefined, true)).toEqual({});
  });

  it("hosts on different releases (a rollout stopped part-way): the newest live one, as the rollback undoes it", () => {
    const at = (id: string, commit: string, time: string) => ({ ...record(id, commit), time });
    const older = { releases: [at("r1", "c1", "2026-01-01T00:00:00Z"), at("r2", "c2", "2026-01-02T00:00:00Z")] };
    const newer = { releases: [...older.releases, at("r3", "c3", "2026-01-03T00:00:00Z")] };
    const hosts = [
      { name: "t1", live: { release: "r2", color: "blue" as const, history: older } },
      { name: "t2", live: { release: "r3", color: "green" as const, history: newer } },
    ];
    expect(beforeRunFrom(hosts, undefined, true)).toEqual({
      previousRelease: "r3",
      target: { release: "r2", commit: "c2" },
    });
  });
});
