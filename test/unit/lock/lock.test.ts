import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { lockWaitSeconds } from "../../../src/cli/_options.js";
import { isReleaseId } from "../../../src/deploy/release-id.js";
import { acquireLock, describeHolder, lockRecord, readLockHolder, releaseLockHeldBy } from "../../../src/lock/lock.js";
import { isStrictlyUnder, removeUnder } from "../../../src/remote/remove.js";
import { FakeHost } from "../engine/fake-host.js";

const HOLDER = { holder: "alice", commit: "abc1234", since: "2026-11-20T10:00:00.000Z" };

/** A host where the lock directory already exists (held by HOLDER) until something removes it: the one fake host. */
function hostWithHeldLock() {
  const host = new FakeHost("t9");
  host.files.set("/opt/x/.slipway-lock", { kind: "directory", mode: "0755", owner: "deploy", group: "deploy" });
  host.writeFile("/opt/x/.slipway-lock/holder", JSON.stringify(HOLDER));
  // The commands run (file writes are not commands).
  const ran = () => host.commands.map((c) => c.argv).filter((argv) => argv[0] !== "<putFile>");
  return { host, ran };
}

describe("deploy lock", () => {
  it("describes the holder with commit and time", () => {
    expect(describeHolder(HOLDER)).toBe("alice (commit abc1234) since 2026-11-20T10:00:00.000Z");
    expect(describeHolder(undefined)).toBe("an unknown holder");
  });

  it("a held lock fails naming holder, commit, time and --force-unlock, and is not removed", async () => {
    const { host, ran } = hostWithHeldLock();
    const error = await acquireLock(host, "/opt/x/.slipway-lock", "bob", "def5678").catch((e: unknown) => e);
    expect(String(error)).toContain("held by alice (commit abc1234) since 2026-11-20T10:00:00.000Z");
    expect((error as { hint?: string }).hint).toContain("--force-unlock");
    expect(ran().some((c) => c[0] === "rm")).toBe(false);
  });

  it("--force-unlock removes the held lock, says whose it was, and takes it", async () => {
    const { host, ran } = hostWithHeldLock();
    const said: string[] = [];
    await acquireLock(host, "/opt/x/.slipway-lock", "bob", "def5678", { force: true, say: (l) => said.push(l) });
    expect(said).toEqual([
      "--force-unlock: removing the lock /opt/x/.slipway-lock held by alice (commit abc1234) since 2026-11-20T10:00:00.000Z",
    ]);
    expect(ran().map((c) => (c[3] === "slipway-lock" ? `take ${c[4]}` : c.join(" ")))).toEqual([
      "take /opt/x/.slipway-lock",
      "test -d /opt/x/.slipway-lock",
      "rm -rf -- /opt/x/.slipway-lock",
      "take /opt/x/.slipway-lock",
    ]);
    expect(JSON.parse(host.files.get("/opt/x/.slipway-lock/holder")?.content ?? "{}").holder).toBe("bob");
  });
});

describe("a lock mkdir that fails with no lock there (D33)", () => {
  it("says why (the mkdir's stderr) instead of 'held by an unknown holder', after one retry", async () => {
    const host = new FakeHost("t10");
    host.handlers.set("mkdir", () => ({
      code: 1,
      stderr: "mkdir: cannot create directory '/opt/x/.slipway-lock': Permission denied",
    }));
    const error = await acquireLock(host, "/opt/x/.slipway-lock", "bob", "").catch((e: unknown) => e);
    expect(String(error)).toContain(
      "cannot take the deploy lock /opt/x/.slipway-lock: mkdir: cannot create directory '/opt/x/.slipway-lock': Permission denied",
    );
    expect(String(error)).not.toContain("held by");
    expect((error as { hint?: string }).hint).toBe(
      "nobody holds the lock: this ssh user cannot create /opt/x/.slipway-lock; run as the user that owns /opt/x (the one that deploys it), or fix its owner",
    );
    expect(host.commands.map((c) => (c.argv[3] === "slipway-lock" ? `take ${c.argv[4]}` : c.argv.join(" ")))).toEqual([
      "take /opt/x/.slipway-lock",
      "test -d /opt/x/.slipway-lock",
      "take /opt/x/.slipway-lock",
      "test -d /opt/x/.slipway-lock",
    ]);
  });
});

describe("--lock-wait", () => {
  const path = "/opt/x/.slipway-lock";

  it("waits while the lock is held, saying who holds it, and takes it once it is released", async () => {
    const { host, ran } = hostWithHeldLock();
    const said: string[] = [];
    // The holder finishes while we wait: its lock directory goes away after a few polls.
    let polls = 0;
    const mkdirs = () => ran().filter((c) => c[3] === "slipway-lock").length;
    const say = (line: string) => said.push(line);
    const releaser = setInterval(() => {
      if (mkdirs() >= 3 && polls++ === 0) host.files.delete(path);
    }, 1);
    try {
      await acquireLock(host, path, "bob", "def5678", { waitSeconds: 5, pollMs: 5, say });
    } finally {
      clearInterval(releaser);
    }
    expect(said[0]).toBe(
      `waiting for the deploy lock ${path} (up to 5s more): held by alice (commit abc1234) since 2026-11-20T10:00:00.000Z`,
    );
    expect(said.at(-1)).toMatch(/^took the deploy lock \/opt\/x\/\.slipway-lock after waiting \d+s$/);
    expect(ran().some((c) => c[0] === "rm")).toBe(false);
    expect(JSON.parse((await host.readFile(`${path}/holder`))?.toString() ?? "{}").holder).toBe("bob");
  });

  it("fails naming the holder and the wait when the lock is still held at the end", async () => {
    const { host } = hostWithHeldLock();
    const error = await acquireLock(host, path, "bob", "def5678", { waitSeconds: 1, pollMs: 50 }).catch(
      (e: unknown) => e,
    );
    expect(String(error)).toContain(
      "held by alice (commit abc1234) since 2026-11-20T10:00:00.000Z (still, after waiting 1s: --lock-wait)",
    );
  });

  it("stops waiting at once when the run is interrupted", async () => {
    const { host } = hostWithHeldLock();
    const started = Date.now();
    const error = await acquireLock(host, path, "bob", "d", { waitSeconds: 60, stopped: () => true }).catch(
      (e: unknown) => e,
    );
    expect(String(error)).toContain(
      "held by alice (commit abc1234) since 2026-11-20T10:00:00.000Z (stopped waiting after 0s of --lock-wait 60s: the run was interrupted)",
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("parses the flag's durations and refuses a bare number", () => {
    expect([lockWaitSeconds("30s"), lockWaitSeconds("10m"), lockWaitSeconds("1h"), lockWaitSeconds(undefined)]).toEqual(
      [30, 600, 3600, undefined],
    );
    expect(() => lockWaitSeconds("10")).toThrow('--lock-wait 10: expected a duration like "30s", "5m" or "1h"');
    expect(() => lockWaitSeconds("x", "input lock-wait:")).toThrow("input lock-wait: x: expected a duration");
  });
});

describe("lock record and release by run id", () => {
  const path = "/opt/x/.slipway-lock";
  const held = (runId: string) => {
    const host = new FakeHost("t9");
    host.files.set(path, { kind: "directory", mode: "0755", owner: "deploy", group: "deploy" });
    host.writeFile(`${path}/holder`, JSON.stringify({ holder: "bob", commit: "c", since: "s", run_id: runId }));
    return host;
  };

  it("records run id, pid, runner host, commit and time", () => {
    const record = lockRecord("bob", "def5678", "42-1", new Date("2026-11-30T08:00:00Z"));
    expect(record).toEqual({
      holder: "bob",
      commit: "def5678",
      since: "2026-11-30T08:00:00.000Z",
      run_id: "42-1",
      pid: process.pid,
      host: hostname(),
    });
  });

  it("releases only a lock that names the run", async () => {
    const mine = held("42-1");
    expect(await releaseLockHeldBy(mine, path, "42-1")).toBe("released");
    expect(mine.files.has(path)).toBe(false);
    const other = held("43-1");
    expect(await releaseLockHeldBy(other, path, "42-1")).toBe("held-by-other");
    expect(other.files.has(`${path}/holder`)).toBe(true);
    expect(await releaseLockHeldBy(new FakeHost(), path, "42-1")).toBe("not-held");
  });

  it("reads the holder for `slipway lock status` (undefined when free)", async () => {
    expect(await readLockHolder(held("42-1"), path)).toEqual({
      holder: "bob",
      commit: "c",
      since: "s",
      run_id: "42-1",
    });
    expect(await readLockHolder(new FakeHost(), path)).toBeUndefined();
  });
});

describe("guarded removal", () => {
  it("accepts only normalized paths strictly below the directory", () => {
    expect(isStrictlyUnder("/opt/x/releases", "/opt/x/releases/r1")).toBe(true);
    expect(isStrictlyUnder("/opt/x/releases/", "/opt/x/releases/r1")).toBe(true);
    expect(isStrictlyUnder("/opt/x/releases", "/opt/x/releases/../backups")).toBe(false);
    expect(isStrictlyUnder("/opt/x/releases", "/opt/x/releases/")).toBe(false);
    expect(isStrictlyUnder("/opt/x/releases", "/opt/x/releases")).toBe(false);
    expect(isStrictlyUnder("/opt/x/releases", "/opt/x/releases2/r1")).toBe(false);
    expect(isStrictlyUnder("/opt/x/releases", "/opt/x/releases/./r1")).toBe(false);
    expect(isStrictlyUnder("releases", "releases/r1")).toBe(false);
  });

  it("refuses an escaping path and runs nothing", async () => {
    const host = new FakeHost();
    const error = await removeUnder(host, "/opt/x/releases", "/opt/x/releases/../backups").catch((e: unknown) => e);
    expect(String(error)).toContain("refusing to remove /opt/x/releases/../backups: it is not inside /opt/x/releases");
    expect(host.ran).toEqual([]);
  });

  it("release ids are one path segment", () => {
    expect(["abc1234-20261130080000", "v1.2.3", "hooks-v3"].map(isReleaseId)).toEqual([true, true, true]);
    expect(["../backups", "a/b", ".hidden", "", "x".repeat(101), "a b"].map(isReleaseId)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe("stale lock on this machine", () => {
  it("a lock whose holder process ran here and is gone is taken over, naming it", async () => {
    const host = new FakeHost("t9");
    const path = "/opt/x/.slipway-lock";
    host.files.set(path, { kind: "directory", mode: "0755", owner: "deploy", group: "deploy" });
    // pid 2^22+1 is above Linux's pid_max: never a live process.
    const dead = { holder: "carol", commit: "c", since: "s", run_id: "r1", pid: 4194305, host: hostname() };
    host.writeFile(`${path}/holder`, JSON.stringify(dead));
    const said: string[] = [];
    await acquireLock(host, path, "bob", "d", { runId: "r2", say: (l) => said.push(l) });
    expect(said).toEqual([
      `taking over the stale lock ${path}: its holder carol (commit c, run r1, pid 4194305 on ${hostname()}) since s is no longer running on this machine`,
    ]);
    expect(JSON.parse(host.files.get(`${path}/holder`)?.content ?? "{}")).toMatchObject({
      holder: "bob",
      run_id: "r2",
    });
  });

  it("a holder on another machine is never assumed dead", async () => {
    const host = new FakeHost("t9");
    const path = "/opt/x/.slipway-lock";
    host.files.set(path, { kind: "directory", mode: "0755", owner: "deploy", group: "deploy" });
    host.writeFile(
      `${path}/holder`,
      JSON.stringify({ holder: "carol", commit: "c", since: "s", pid: 4194305, host: "ci-7" }),
    );
    await expect(acquireLock(host, path, "bob", "d")).rejects.toThrow(/is held by carol/);
  });
});
