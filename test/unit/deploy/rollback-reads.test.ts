import { describe, expect, it } from "vitest";
import { hostSpecific } from "../../../src/deploy/fleet.js";
import { prepareHost } from "../../../src/deploy/host-flow.js";
import { config, hostRun, hostWithLiveGreen } from "./flow-support.js";
import { WaveHost } from "./wave-host.js";

/** Green live on r1, blue ran r0 before it: a rollback without --to goes back to r0. */
function twoReleases() {
  const fake = hostWithLiveGreen();
  const record = (id: string, color: string) => ({
    id,
    commit: `c-${id}`,
    images: {},
    time: "t",
    actor: "a",
    result: "deployed",
    color,
  });
  fake.writeFile(
    "/opt/shop/releases.json",
    JSON.stringify({ releases: [record("r0", "blue"), record("r1", "green")] }),
  );
  return fake;
}

describe("a rollback's reads before its plan", () => {
  it("reads what is live and the switch intent in one round trip, and the flow starts from that read", async () => {
    const fake = twoReleases();
    const host = new WaveHost(fake);
    const cfg = await config();
    const base = { ...hostRun(fake, cfg, [], []), kind: "rollback" as const, releaseId: "", commit: "" };
    const run = await host.run(() => hostSpecific(base, host));
    expect([run.releaseId, run.commit, run.liveRead?.release, run.liveRead?.color]).toEqual([
      "r0",
      "c-r0",
      "r1",
      "green",
    ]);
    expect(host.waves).toBe(1);
    expect(host.log[0]?.sort()).toEqual([
      "exec readlink -- /opt/shop/current",
      "readFile /opt/shop/color",
      "readFile /opt/shop/intent.json",
      "readFile /opt/shop/releases.json",
    ]);
    const prepared = await host.run(() => prepareHost({ ...base, ...run, host }, "10.0.0.1"));
    expect(prepared.s.live.release).toBe("r1");
    expect(prepared.s.idle).toBe("blue");
    // prepareHost read none of those files again.
    const again = host.log.slice(1).flat();
    expect(again.filter((c) => c.includes("/opt/shop/releases.json") || c.includes("/opt/shop/current"))).toEqual([]);
  });

  it("with --to, reads no intent: only a rollback to the previous release looks for a killed run's switch", async () => {
    const fake = twoReleases();
    const host = new WaveHost(fake);
    const base = { ...hostRun(fake, await config(), [], []), kind: "rollback" as const, releaseId: "r0", commit: "" };
    const run = await host.run(() => hostSpecific(base, host));
    expect(run.releaseId).toBe("r0");
    expect(host.log.flat().some((c) => c.includes("intent.json"))).toBe(false);
  });
});
