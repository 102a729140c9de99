/**
 * `--lock-wait`: a host whose lock another run held is read again once the lock is taken, and the run re-plans on what
 * it finds (D36), on the shared fake host.
 */
import { describe, expect, it } from "vitest";
import type { DeployEvent } from "../../../src/deploy/events.js";
import { executeHost, prepareHost, runHost } from "../../../src/deploy/host-flow.js";
import { Interrupt } from "../../../src/deploy/interrupt.js";
import type { FakeHost } from "../engine/fake-host.js";
import { config, hostRun, hostWithLiveGreen, LOCK, logLines, stepTrail } from "./flow-support.js";

describe("--lock-wait: the host read again once the lock is held (D36)", () => {
  const history = (host: FakeHost) =>
    JSON.parse(host.files.get("/opt/shop/releases.json")?.content ?? "{}").releases.map(
      (r: { id: string; result: string; color: string }) => `${r.id}:${r.result}:${r.color}`,
    );

  /**
   * B is prepared (green r1 live), then waits for alice's lock; meanwhile A deploys `aCommit` (forcing alice's lock
   * over, as a run that found it stale would) and frees the lock. Resolves B's result and what B's runtime did.
   */
  async function waitBehind(aCommit: string) {
    const host = hostWithLiveGreen();
    const cfg = await config();
    host.files.set(LOCK, { kind: "directory", mode: "0755", owner: "deploy", group: "deploy" });
    host.writeFile(`${LOCK}/holder`, JSON.stringify({ holder: "alice", commit: "c0", since: "2026-11-30T17:34:56Z" }));
    const bCalls: string[] = [];
    const events: DeployEvent[] = [];
    const b = { ...hostRun(host, cfg, bCalls, events), runId: "run-B", lockWaitSeconds: 5, interrupt: new Interrupt() };
    // B's color runs once started, and nothing differs from what a deploy of the same release staged.
    b.runtime = { ...b.runtime, isRunning: async () => true };
    b.runtime.stage = async (color, input) => {
      bCalls.push(`stage ${color}`);
      return { changed: !input?.check, diffs: [], actions: [] };
    };
    const prepared = await prepareHost(b, "10.0.0.1");
    const a = { ...hostRun(host, cfg, [], []), releaseId: "rA", commit: aCommit, runId: "run-A", forceUnlock: true };
    let ranA: Promise<unknown> | null = null;
    const mkdirs = () => host.commands.filter((c) => c.argv[3] === "slipway-lock").length;
    const trigger = setInterval(() => {
      if (mkdirs() >= 1 && !ranA) ranA = runHost(a, "10.0.0.1");
    }, 1);
    try {
      const result = await executeHost(prepared);
      await ranA;
      return { host, result, bCalls, events };
    } finally {
      clearInterval(trigger);
    }
  }

  it("A deployed the same commit while B waited: B does nothing (exit 0) and the history keeps A's release", async () => {
    const { host, result, bCalls, events } = await waitBehind("c2");
    expect(result).toMatchObject({ status: "ok", color: "blue", release: "rA" });
    expect(bCalls).toEqual(["stage blue"]);
    expect(stepTrail(events)).toEqual(["lock:changed"]);
    expect(logLines(events)).toContain("release rA is already live on blue: nothing to do");
    expect(history(host)).toEqual(["r1:deployed:green", "rA:deployed:blue"]);
    expect(host.files.get("/opt/shop/color")?.content).toBe("blue\n");
    expect(host.files.has(LOCK)).toBe(false);
  });

  /** B is prepared (green r1 live, lock free), then A deploys `aCommit` in full before B runs: no lock wait at all. */
  async function deployedBetween(aCommit: string) {
    const host = hostWithLiveGreen();
    const cfg = await config();
    const bCalls: string[] = [];
    const events: DeployEvent[] = [];
    const b = { ...hostRun(host, cfg, bCalls, events), runId: "run-B" };
    b.runtime = { ...b.runtime, isRunning: async () => true };
    b.runtime.stage = async (color, input) => {
      bCalls.push(`stage ${color}`);
      return { changed: !input?.check, diffs: [], actions: [] };
    };
    const prepared = await prepareHost(b, "10.0.0.1");
    await runHost({ ...hostRun(host, cfg, [], []), releaseId: "rA", commit: aCommit, runId: "run-A" }, "10.0.0.1");
    const result = await executeHost(prepared);
    return { host, result, bCalls, events };
  }

  it("A deployed between B's plan and B's lock (the lock free): B re-plans under the lock, onto the idle color", async () => {
    const { host, result, bCalls, events } = await deployedBetween("cA");
    expect(result).toMatchObject({ status: "changed", color: "green", release: "r2", previousRelease: "rA" });
    expect(bCalls).toEqual(["stage green", "start green", "stop blue"]);
    expect(logLines(events, "reconcile")).toContain("re-planned: deploy r2 to green");
    expect(history(host)).toEqual(["r1:deployed:green", "rA:deployed:blue", "r2:deployed:green"]);
  });

  it("A deployed the same commit between B's plan and B's lock: B does nothing", async () => {
    const { result, events } = await deployedBetween("c2");
    expect(result).toMatchObject({ status: "ok", color: "blue", release: "rA" });
    expect(stepTrail(events)).toEqual(["lock:changed", "reconcile:ok"]);
  });

  it("A deployed another commit: B deploys to the idle color of the new state and appends to A's history", async () => {
    const { host, result, bCalls, events } = await waitBehind("cA");
    expect(result).toMatchObject({ status: "changed", color: "green", release: "r2", previousRelease: "rA" });
    expect(bCalls).toEqual(["stage green", "start green", "stop blue"]);
    expect(logLines(events, "lock")).toContain("re-planned: deploy r2 to green");
    expect(history(host)).toEqual(["r1:deployed:green", "rA:deployed:blue", "r2:deployed:green"]);
    expect(host.files.get("/opt/shop/color")?.content).toBe("green\n");
  });
});
