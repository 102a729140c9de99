/**
 * The deploy lock taken while the plan reads (src/deploy/lock-ahead.ts), on the shared FakeHost: who holds it when,
 * that a plan that runs nothing frees it, that a lock held by another run is never touched, and that a host another
 * run deployed to between the read and the lock is planned again on what was read under the lock.
 */
import { describe, expect, it } from "vitest";
import type { DeployEvent } from "../../../src/deploy/events.js";
import { executeHost, type HostRun, planHost, prepareHost, runHost } from "../../../src/deploy/host-flow.js";
import { releaseLocksAhead } from "../../../src/deploy/lock-ahead.js";
import { MaintenanceBypass } from "../../../src/deploy/maintenance-bypass.js";
import { switchTo } from "../../../src/deploy/nginx.js";
import type { FakeHost } from "../engine/fake-host.js";
import { config, failure, hostRun, hostWithLiveGreen, LOCK, logLines, stepTrail, UPSTREAM } from "./flow-support.js";

const takes = (host: FakeHost) => host.commands.filter((c) => c.argv[0] === "sh" && c.argv[3] === "slipway-lock");
const holderOf = (host: FakeHost) => JSON.parse(host.files.get(`${LOCK}/holder`)?.content ?? "null");
const history = (host: FakeHost) =>
  (
    JSON.parse(host.files.get("/opt/shop/releases.json")?.content ?? "{}") as {
      releases: { id: string; result: string; color: string }[];
    }
  ).releases.map((r) => `${r.id}:${r.result}:${r.color}`);

/** A run on `host` (green r1 live) whose runtime stages, starts and stops nothing but says so in `calls`. */
async function runOn(host: FakeHost, extra: Partial<HostRun> = {}) {
  const calls: string[] = [];
  const events: DeployEvent[] = [];
  const run: HostRun = { ...hostRun(host, await config(), calls, events), ...extra };
  return { run, calls, events };
}

/** Green live behind its socket link (proxy.switch socket), the maintenance token made, as a deploy left it. */
async function liveGreen() {
  const host = hostWithLiveGreen();
  const cfg = await config("", "socket");
  host.files.delete(UPSTREAM);
  await switchTo(host, cfg, "green");
  await new MaintenanceBypass(host, cfg).ensure();
  host.commands.length = 0;
  return { host, cfg };
}

const CAROL = { holder: "carol", commit: "feed", since: "2026-11-01T08:00:00Z", run_id: "77-1", pid: 9, host: "r" };

function lockedByCarol(host: FakeHost): void {
  host.files.set(LOCK, { kind: "directory", mode: "0755", owner: "deploy", group: "deploy" });
  host.writeFile(`${LOCK}/holder`, JSON.stringify(CAROL));
}

describe("the lock taken while the plan reads", () => {
  it("is this run's once the plan is made; the run takes no lock of its own, starts at the stage and frees it", async () => {
    const { host, cfg } = await liveGreen();
    const events: DeployEvent[] = [];
    const run = hostRun(host, cfg, [], events);
    const prepared = await prepareHost(run, "10.0.0.1");
    await planHost(prepared, { lockAhead: true });
    expect(holderOf(host)).toMatchObject({ holder: "tester", commit: "c2", run_id: "run-1" });
    const before = host.commands.length;
    const result = await executeHost(prepared);
    expect(result).toMatchObject({ status: "changed", color: "blue", release: "r2" });
    expect(takes(host)).toHaveLength(1);
    // Lock and reconcile made no round trip: `nginx -t` and the reads under the lock were the plan's.
    const ran = host.commands.slice(before).map((c) => c.argv.join(" "));
    expect(ran.filter((c) => c === "nginx -t" || c.includes("/opt/shop/intent.json"))).toEqual([
      "<putFile> /opt/shop/intent.json",
      // The record's one command: the history, current and color written, then the intent removed.
      expect.stringMatching(/ slipway-record \/opt\/shop\/releases\.json \d+ .* \/opt\/shop\/intent\.json$/),
    ]);
    expect(host.commands.slice(0, before).filter((c) => c.argv.join(" ") === "nginx -t")).toHaveLength(1);
    expect(stepTrail(events).slice(0, 2)).toEqual(["lock:changed", "reconcile:ok"]);
    expect(logLines(events, "lock")).toEqual(["locked /opt/shop/.slipway-lock", "unlocked"]);
    expect(host.files.has(LOCK)).toBe(false);
  });

  it("a plan that runs nothing (declined, failed elsewhere) frees the lock it took; freeing twice does nothing", async () => {
    const host = hostWithLiveGreen();
    const { run } = await runOn(host);
    const prepared = await prepareHost(run, "10.0.0.1");
    await planHost(prepared, { lockAhead: true });
    expect(host.files.has(LOCK)).toBe(true);
    await releaseLocksAhead([prepared.s]);
    expect(host.files.has(LOCK)).toBe(false);
    const count = host.commands.length;
    await releaseLocksAhead([prepared.s]);
    expect(host.commands.length).toBe(count);
  });

  it("check mode (`--check`, `slipway plan`) takes no lock", async () => {
    const host = hostWithLiveGreen();
    const { run } = await runOn(host, { check: true });
    await planHost(await prepareHost(run, "10.0.0.1"), { lockAhead: true });
    expect(takes(host)).toEqual([]);
    expect(host.files.has(LOCK)).toBe(false);
  });

  it("a first deploy takes the lock in its lock step, after making the deploy dir", async () => {
    const host = hostWithLiveGreen({}, false);
    const { run } = await runOn(host);
    const prepared = await prepareHost(run, "10.0.0.1");
    await planHost(prepared, { lockAhead: true });
    expect(takes(host)).toEqual([]);
    expect((await executeHost(prepared)).status).toBe("changed");
    expect(takes(host)).toHaveLength(1);
    expect(host.files.has(LOCK)).toBe(false);
  });

  it("held by another run when the plan read the host: not tried; the run fails naming the holder, lock untouched", async () => {
    const host = hostWithLiveGreen();
    lockedByCarol(host);
    const { run, calls } = await runOn(host);
    const prepared = await prepareHost(run, "10.0.0.1");
    await planHost(prepared, { lockAhead: true });
    expect(takes(host)).toEqual([]);
    const error = await failure(executeHost(prepared));
    expect(error.message).toBe(
      `deploy lock ${LOCK} is held by carol (commit feed, run 77-1, pid 9 on r) since 2026-11-01T08:00:00Z`,
    );
    await releaseLocksAhead([prepared.s]);
    // The plan's stage (check mode) only.
    expect(calls).toEqual(["stage blue"]);
    expect(holderOf(host)).toEqual(CAROL);
  });

  it("taken by another run between the read and the plan: the lock step says who holds it; nobody removes it", async () => {
    const host = hostWithLiveGreen();
    const { run, calls } = await runOn(host);
    const prepared = await prepareHost(run, "10.0.0.1");
    lockedByCarol(host);
    await planHost(prepared, { lockAhead: true });
    expect(await prepared.s.lockAhead).toBeNull();
    await releaseLocksAhead([prepared.s]);
    const error = await failure(executeHost(prepared));
    expect(error.message).toContain("is held by carol");
    expect(calls).toEqual(["stage blue"]);
    expect(holderOf(host)).toEqual(CAROL);
  });

  /** B read the host (green r1 live), then A deployed `aCommit` in full, then B planned (taking the lock) and ran. */
  async function deployedBeforeThePlan(aCommit: string) {
    const host = hostWithLiveGreen();
    const cfg = await config();
    const { run: b, calls, events } = await runOn(host, { runId: "run-B" });
    b.runtime = { ...b.runtime, isRunning: async () => true };
    b.runtime.stage = async (color, input) => {
      calls.push(`stage ${color}`);
      return { changed: !input?.check, diffs: [], actions: [] };
    };
    const prepared = await prepareHost(b, "10.0.0.1");
    await runHost({ ...hostRun(host, cfg, [], []), releaseId: "rA", commit: aCommit, runId: "run-A" }, "10.0.0.1");
    await planHost(prepared, { lockAhead: true });
    // The plan's stage (check mode) went to blue, the idle color of what B read.
    expect(calls.splice(0)).toEqual(["stage blue"]);
    const result = await executeHost(prepared);
    return { host, result, calls, events };
  }

  it("another run deployed between the read and the lock: the run re-plans on what it read under the lock", async () => {
    const { host, result, calls, events } = await deployedBeforeThePlan("cA");
    expect(result).toMatchObject({ status: "changed", color: "green", release: "r2", previousRelease: "rA" });
    expect(calls).toEqual(["stage green", "start green", "stop blue"]);
    expect(logLines(events, "reconcile")).toContain("re-planned: deploy r2 to green");
    expect(history(host)).toEqual(["r1:deployed:green", "rA:deployed:blue", "r2:deployed:green"]);
    expect(host.files.has(LOCK)).toBe(false);
  });

  it("another run deployed the same commit between the read and the lock: nothing to do, the lock freed", async () => {
    const { host, result, events } = await deployedBeforeThePlan("c2");
    expect(result).toMatchObject({ status: "ok", color: "blue", release: "rA" });
    expect(stepTrail(events)).toEqual(["lock:changed", "reconcile:ok"]);
    expect(host.files.has(LOCK)).toBe(false);
  });
});

describe("the lock tried with the host's first reads (prepareHost { plan, lockAhead })", () => {
  const ahead = { plan: true, lockAhead: true };
  /** The argv (joined) of each command the host saw, in order. */
  const trail = (host: FakeHost) => host.commands.map((c) => c.argv.join(" "));

  it("takes the lock before the plan; the reads under it are made before the plan reads the stage", async () => {
    const { host, cfg } = await liveGreen();
    const events: DeployEvent[] = [];
    const run = hostRun(host, cfg, [], events);
    const prepared = await prepareHost(run, "10.0.0.1", ahead);
    // Taken in prepareHost, beside the first reads: the plan takes none.
    expect(takes(host)).toHaveLength(1);
    expect(holderOf(host)).toMatchObject({ holder: "tester", commit: "c2", run_id: "run-1" });
    await planHost(prepared, { lockAhead: true });
    expect(takes(host)).toHaveLength(1);
    expect(trail(host).filter((c) => c === "nginx -t")).toHaveLength(1);
    const result = await executeHost(prepared);
    expect(result).toMatchObject({ status: "changed", color: "blue", release: "r2" });
    expect(takes(host)).toHaveLength(1);
    expect(stepTrail(events).slice(0, 2)).toEqual(["lock:changed", "reconcile:ok"]);
    expect(host.files.has(LOCK)).toBe(false);
  });

  it("held by another run: the try fails, the lock untouched, and the run fails naming the holder", async () => {
    const host = hostWithLiveGreen();
    lockedByCarol(host);
    const { run } = await runOn(host);
    const prepared = await prepareHost(run, "10.0.0.1", ahead);
    expect(await prepared.s.lockAhead).toBeNull();
    await planHost(prepared, { lockAhead: true });
    expect(takes(host)).toHaveLength(1);
    const error = await failure(executeHost(prepared));
    expect(error.message).toContain("is held by carol");
    await releaseLocksAhead([prepared.s]);
    expect(holderOf(host)).toEqual(CAROL);
  });

  it("a first deploy (no deploy dir): the try fails, the lock step takes it after making the dir", async () => {
    const host = hostWithLiveGreen({}, false);
    const { run } = await runOn(host);
    const prepared = await prepareHost(run, "10.0.0.1", ahead);
    await planHost(prepared, { lockAhead: true });
    expect(prepared.s.lockAhead).toBeUndefined();
    expect((await executeHost(prepared)).status).toBe("changed");
    expect(host.files.has(LOCK)).toBe(false);
  });

  it("check mode tries no lock; a plan alone (no run) is read the same way", async () => {
    const host = hostWithLiveGreen();
    const { run } = await runOn(host, { check: true });
    await planHost(await prepareHost(run, "10.0.0.1", ahead), { lockAhead: true });
    expect(takes(host)).toEqual([]);
  });

  it("a plan that runs nothing frees the lock taken with the first reads", async () => {
    const host = hostWithLiveGreen();
    const { run } = await runOn(host);
    const prepared = await prepareHost(run, "10.0.0.1", ahead);
    expect(host.files.has(LOCK)).toBe(true);
    await releaseLocksAhead([prepared.s]);
    expect(host.files.has(LOCK)).toBe(false);
  });
});

describe("a re-deploy of the live release (prepareHost { plan, lockAhead }, as planThenRun reads)", () => {
  const ahead = { plan: true, lockAhead: true };
  const probes = (host: FakeHost) => host.commands.filter((c) => c.argv[0] === "sh" && c.argv[2]?.includes("uid=$(id"));
  const unlocks = (host: FakeHost) => host.commands.filter((c) => c.argv[3] === "slipway-unlock");
  const looks = (host: FakeHost) => host.commands.filter((c) => c.argv.join(" ") === `test -d ${LOCK}`);

  /** r2 deployed and live on blue; the next run of the same commit finds it running and staged as it is (`staged`). */
  async function liveR2(staged = true) {
    const host = hostWithLiveGreen();
    const cfg = await config();
    await runHost(hostRun(host, cfg, [], []), "10.0.0.1");
    host.files.set("/opt/shop/current", { kind: "link", mode: "0777", owner: "root", group: "root", target: "r2" });
    host.commands.length = 0;
    const { run, calls, events } = await runOn(host, { runId: "run-2" });
    run.runtime = { ...run.runtime, isRunning: async () => true };
    run.runtime.stage = async (color, input) => {
      calls.push(`stage ${color}`);
      return { changed: !staged || !input?.check, diffs: [], actions: [] };
    };
    return { host, run, calls, events };
  }

  it("takes no lock, starts no privilege probe and frees nothing: the lock is only looked at", async () => {
    const { host, run } = await liveR2();
    const prepared = await prepareHost(run, "10.0.0.1", ahead);
    expect(prepared.same).toBe("r2");
    expect(await planHost(prepared, { lockAhead: true })).toMatchObject({ status: "ok", release: "r2" });
    await releaseLocksAhead([prepared.s]);
    expect([takes(host).length, looks(host).length, probes(host).length, unlocks(host).length]).toEqual([0, 1, 0, 0]);
    expect(prepared.s.lockAhead).toBeUndefined();
    expect(prepared.s.privilegeCheck).toBeUndefined();
  });

  it("another run holds the lock: not 'already live'; the run fails naming the holder, the lock untouched", async () => {
    const { host, run, calls } = await liveR2();
    lockedByCarol(host);
    const prepared = await prepareHost(run, "10.0.0.1", ahead);
    expect([prepared.same, prepared.lockFree]).toEqual([null, false]);
    await planHost(prepared, { lockAhead: true });
    const error = await failure(executeHost(prepared));
    expect(error.message).toContain("is held by carol");
    await releaseLocksAhead([prepared.s]);
    expect(takes(host)).toHaveLength(1);
    expect(holderOf(host)).toEqual(CAROL);
    expect(calls.filter((c) => c.startsWith("start"))).toEqual([]);
  });

  it("the records name it but the host differs: the probe starts then, the plan takes the lock, the run deploys", async () => {
    const { host, run, calls } = await liveR2(false);
    const prepared = await prepareHost(run, "10.0.0.1", ahead);
    expect(prepared.same).toBeNull();
    expect(prepared.s.privilegeCheck).toBeDefined();
    expect(takes(host)).toHaveLength(0);
    await planHost(prepared, { lockAhead: true });
    expect(await prepared.s.lockAhead).not.toBeNull();
    expect((await executeHost(prepared)).status).toBe("changed");
    expect([takes(host).length, probes(host).length]).toEqual([1, 1]);
    expect(calls).toContain("start green");
    expect(host.files.has(LOCK)).toBe(false);
  });
});
