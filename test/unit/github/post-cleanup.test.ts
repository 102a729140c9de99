import { describe, expect, it } from "vitest";
import { beforeRunFrom } from "../../../src/github/before-run.js";
import { heldByRun, lockHolder, releaseLockHeldBy } from "../../../src/github/post-cleanup.js";
import { FakeHost } from "../engine/fake-host.js";

const LOCK = "/srv/shop/.slipway-lock";

function lockedBy(holder: string, extra: Record<string, unknown> = {}): FakeHost {
  const host = new FakeHost("t1");
  host.files.set("/srv", { kind: "directory", mode: "0755", owner: "root", group: "root" });
  host.files.set("/srv/shop", { kind: "directory", mode: "0755", owner: "root", group: "root" });
  host.files.set(LOCK, { kind: "directory", mode: "0755", owner: "root", group: "root" });
  const record = JSON.stringify({ holder, commit: "abc", since: "2026-01-01T00:00:00Z", ...extra });
  host.files.set(`${LOCK}/holder`, {
    kind: "file",
    content: `${record}\n`,
    mode: "0644",
    owner: "root",
    group: "root",
  });
  return host;
}

describe("the post step releases only this run's lock", () => {
  it("the lock this run took (its holder names the run) is removed", async () => {
    const host = lockedBy(lockHolder("octocat", "777-1"));
    expect(await releaseLockHeldBy(host, LOCK, "777-1")).toBe("released");
    expect(host.files.has(LOCK)).toBe(false);
  });

  it("another run's lock, even a re-run attempt of the same workflow run, stays", async () => {
    const host = lockedBy(lockHolder("octocat", "777-2"));
    expect(await releaseLockHeldBy(host, LOCK, "777-1")).toBe("held-by-other");
    expect(host.files.has(`${LOCK}/holder`)).toBe(true);
  });

  it("a lock taken from a laptop (a plain holder name) stays", async () => {
    const host = lockedBy("alice");
    expect(await releaseLockHeldBy(host, LOCK, "777-1")).toBe("held-by-other");
  });

  it("a runId in the record (the deploy's own field) decides over the holder name", async () => {
    expect(heldByRun(JSON.stringify({ holder: "x (run 777-1)", runId: "888-1" }), "777-1")).toBe(false);
    expect(heldByRun(JSON.stringify({ holder: "x", runId: "777-1" }), "777-1")).toBe(true);
    expect(heldByRun("not json", "777-1")).toBe(false);
  });

  it("no lock: nothing to do; a lock dir without a holder file is not assumed to be ours", async () => {
    const none = new FakeHost("t1");
    expect(await releaseLockHeldBy(none, LOCK, "777-1")).toBe("not-held");
    const half = lockedBy("x");
    half.files.delete(`${LOCK}/holder`);
    expect(await releaseLockHeldBy(half, LOCK, "777-1")).toBe("held-by-other");
    expect(half.files.has(LOCK)).toBe(true);
  });
});

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
});
