import { describe, expect, it } from "vitest";
import { leftoverUnits, retireStep } from "../../../../src/deploy/steps/retire.js";

type FlowState = Parameters<typeof retireStep.run>[0];

/** The plan's warning for `--drain 0` with green being left (drain.ts noDrainWarning). */
const DRAIN_0 =
  "drain is 0s: the old color (green) stops right after the switch, cutting the requests still in flight to it (502s and connection errors under load); a drain of a few seconds lets them finish (it ends as soon as no connection is left; default 5s)";
const left = { id: "fcc2d02-20261130171431", backup: "fcc2d02_20261130171431-20261130T171436192Z" };

/** A rollback's state with only what retire's plan reads: green live (being left), blue coming back, drain 0s. */
function rollbackState(restoreDb: boolean, backup: string | undefined, said: string[]): FlowState {
  return {
    run: { kind: "rollback", restoreDb, drainSeconds: 0, runtime: { names: (c: string) => [`nu-static-web@${c}`] } },
    spec: { kind: "postgres" },
    role: { services: ["web"] },
    liveColor: "green",
    stopFirst: false,
    live: { release: left.id, history: { releases: [{ ...left, backup }] } },
    local: { strategy: "blue-green", drain: "5s", services: { web: { port: 8080 } } },
    say: (line: string) => said.push(line),
    emitter: { log: (line: string, level: string) => said.push(`${level}: ${line}`) },
  } as unknown as FlowState;
}

describe("retire: a renamed service (D25)", () => {
  it("the plan names the unit the previous release ran that the config no longer names, and run stops it", async () => {
    const said: string[] = [];
    const stopped: string[][] = [];
    const s = rollbackState(false, undefined, said) as unknown as {
      run: Record<string, unknown>;
      live: { history: { releases: Array<Record<string, unknown>> } };
    };
    Object.assign(s.run, {
      kind: "deploy",
      runtime: {
        names: (c: string) => [`nu-static-web@${c}`],
        stop: async () => {},
        stopNames: async (names: string[]) => void stopped.push(names),
      },
      host: { name: "t10" },
    });
    const record = s.live.history.releases[0] ?? {};
    record.units = ["nu-static-app@green", "nu-static-web@green"];
    const state = s as unknown as FlowState;
    await retireStep.plan?.(state);
    expect(said).toEqual([
      "  stop nu-static-web@green right after the switch (drain 0s)",
      `warn:   warning: ${DRAIN_0}`,
      "  stop nu-static-app@green: the previous release ran them, the config no longer names them",
    ]);
    expect(leftoverUnits(state, "green")).toEqual(["nu-static-app@green"]);
  });

  it("never names a unit of this app's blue or green, whatever the record says (D52)", () => {
    const s = rollbackState(false, undefined, []) as unknown as {
      live: { history: { releases: Array<Record<string, unknown>> } };
    };
    const record = s.live.history.releases[0] ?? {};
    // A record rewritten by a rollback to green that kept the units of its first deploy on blue.
    record.units = ["nu-static-web@blue", "nu-static-app@blue"];
    expect(leftoverUnits(s as unknown as FlowState, "green")).toEqual(["nu-static-app@blue"]);
  });
});
