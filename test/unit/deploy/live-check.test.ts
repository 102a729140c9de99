/** Whether the release asked for is already live: a rollback to the live release changes nothing (D52). */
import { describe, expect, it } from "vitest";
import { alreadyLive, sameOnRecord } from "../../../src/deploy/live-check.js";
import type { FlowState } from "../../../src/deploy/steps/types.js";

const record = (id: string, color: string) => ({
  id,
  commit: "c",
  images: {},
  time: "t",
  actor: "a",
  result: "deployed",
  color,
});

/** A rollback to `to` on a host where r2 is live on green (its record's fingerprint is not this run's). */
function rollbackTo(to: string, running: boolean, services = ["web"]): FlowState {
  return {
    run: { kind: "rollback", releaseId: to, runtime: { isRunning: async () => running } },
    role: { services },
    liveColor: "green",
    fingerprint: "other",
    live: { release: "r2", color: "green", history: { releases: [record("r1", "blue"), record("r2", "green")] } },
  } as unknown as FlowState;
}

describe("alreadyLive for a rollback", () => {
  it("the live release while its color runs: already live (not started again on the other color)", async () => {
    expect(await alreadyLive(rollbackTo("r2", true))).toBe("r2");
  });

  it("an nginx-only host of the load-balancer layout: already live without asking the runtime", async () => {
    expect(await alreadyLive(rollbackTo("r2", false, []))).toBe("r2");
  });

  it("another release, or the live one whose color is down: a real rollback", async () => {
    expect(await alreadyLive(rollbackTo("r1", true))).toBeNull();
    expect(await alreadyLive(rollbackTo("r2", false))).toBeNull();
  });
});

describe("alreadyLive with nginx stopped (D83)", () => {
  /** rollbackTo("r2") on a host that serves the site, nginx's unit as `lines` (preflight's once-per-run read). */
  const serving = (lines: string[]): FlowState => {
    const s = rollbackTo("r2", true);
    const run = { ...s.run, config: { proxy: { mode: "nginx" } } } as FlowState["run"];
    return { ...s, run, role: { services: ["web"], switches: true }, nginxUnit: Promise.resolve(lines) } as FlowState;
  };

  it("is not already live: users get nothing, so the run goes on to preflight's refusal", async () => {
    expect(await alreadyLive(serving(["ActiveState=inactive", "SubState=dead"]))).toBeNull();
  });

  it("nginx running: already live as before", async () => {
    expect(await alreadyLive(serving(["ActiveState=active", "SubState=running"]))).toBe("r2");
  });
});

describe("sameOnRecord (no round trip: the records read with the host's state)", () => {
  /** A deploy whose fingerprint is `fingerprint` on a host where r2 (fingerprint f2) is live on `color`. */
  const deployOn = (fingerprint: string, color: string | null = "green") =>
    ({
      run: { kind: "deploy", releaseId: "r3" },
      liveColor: color,
      fingerprint,
      live: {
        release: "r2",
        color,
        history: { releases: [record("r1", "blue"), { ...record("r2", "green"), fingerprint: "f2" }] },
      },
    }) as unknown as FlowState;

  it("a deploy: the live record when its fingerprint is this run's, else null", () => {
    expect(sameOnRecord(deployOn("f2"))?.id).toBe("r2");
    expect(sameOnRecord(deployOn("f3"))).toBeNull();
  });

  it("no live color, or no record of the live release: null", () => {
    expect(sameOnRecord(deployOn("f2", null))).toBeNull();
    const s = deployOn("f2");
    s.live.release = "r9";
    expect(sameOnRecord(s)).toBeNull();
  });

  it("a rollback: the live record when it is the release asked for and no killed run's switch was left", () => {
    expect(sameOnRecord(rollbackTo("r2", true))?.id).toBe("r2");
    expect(sameOnRecord(rollbackTo("r1", true))).toBeNull();
    const left = rollbackTo("r2", true);
    (left.run as { leftSwitch?: unknown }).leftSwitch = { color: "blue" };
    expect(sameOnRecord(left)).toBeNull();
  });
});
