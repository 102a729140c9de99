/**
 * One host's deploy with proxy.switch socket: the links move users to the new color without a reload, the switch back
 * mirrors the switch, and only a changed site file or a stale nginx reloads (D61), on the shared fake host.
 */
import { describe, expect, it } from "vitest";
import type { DeployEvent } from "../../../src/deploy/events.js";
import { executeHost, planHost, prepareHost, runHost } from "../../../src/deploy/host-flow.js";
import { MaintenanceBypass } from "../../../src/deploy/maintenance-bypass.js";
import { switchTo } from "../../../src/deploy/nginx.js";
import { switchAndReload } from "../../../src/deploy/steps/switch.js";
import {
  type Answers,
  config,
  failure,
  hostRun,
  hostWithLiveGreen,
  LINK,
  listener,
  logLines,
  PREVIEW_LINK,
  reloads,
  UPSTREAM,
} from "./flow-support.js";
import { WaveHost } from "./wave-host.js";

describe("the switch by socket links (proxy.switch socket)", () => {
  const socketConfig = (extra = "") => config(extra, "socket");
  /** Green live, served through its socket link, with the socket site installed as a deploy left it. */
  async function liveGreen(answers: Answers = {}, extra = "") {
    const host = hostWithLiveGreen(answers);
    const cfg = await socketConfig(extra);
    host.files.delete(UPSTREAM);
    await switchTo(host, cfg, "green");
    // The maintenance bypass token an earlier deploy made (the first switch on a host writes it).
    await new MaintenanceBypass(host, cfg).ensure();
    host.commands.length = 0;
    return { host, cfg };
  }

  it("moves users to the new color by repointing the link: no nginx reload, preview link on the old color", async () => {
    const { host, cfg } = await liveGreen();
    expect(host.files.get(LINK)?.target).toBe(listener("green"));
    expect(host.files.get(PREVIEW_LINK)?.target).toBe(listener("blue"));
    const events: DeployEvent[] = [];
    const result = await runHost(hostRun(host, cfg, [], events), "10.0.0.1");
    expect(result).toMatchObject({ status: "changed", color: "blue" });
    expect(host.files.get(LINK)?.target).toBe(listener("blue"));
    expect(host.files.get(PREVIEW_LINK)?.target).toBe(listener("green"));
    expect(reloads(host)).toBe(0);
    // The site's files do not name the live color: the deploy rewrote none of them.
    const written = host.commands.filter((c) => c.argv[0] === "<putFile>" && c.argv[1]?.startsWith("/etc/nginx"));
    expect(written).toEqual([]);
    expect(logLines(events, "switch")).toEqual(["switched nginx to blue"]);
  });

  it("a failure after the switch points the link back at the old color, still without a reload", async () => {
    const { host, cfg } = await liveGreen({ route: 502 }, "  preview: false\n");
    const error = await failure(runHost(hostRun(host, cfg, [], []), "10.0.0.1"));
    expect(error.message).toContain("verification through nginx failed after the switch");
    expect(host.files.get(LINK)?.target).toBe(listener("green"));
    expect(reloads(host)).toBe(0);
    expect(cfg.proxy.switch).toBe("socket");
  });

  it("the switch back issues the same commands as the switch, the color aside: the links, then one look, no reload (D61)", async () => {
    const { host, cfg } = await liveGreen();
    // Each command with the colors blanked: what the switch does, whichever way it goes (undo calls it with the live color).
    const kinds = () => host.ran.map((c) => c.replaceAll(/green|blue/g, "<color>"));
    await switchAndReload(new MaintenanceBypass(host, cfg), "blue");
    const forward = kinds();
    host.commands.length = 0;
    await switchAndReload(new MaintenanceBypass(host, cfg), "green");
    expect(kinds()).toEqual(forward);
    expect(forward.map((c) => c.split(" ")[0])).toEqual(["sh", "curl"]);
    expect(reloads(host)).toBe(0);
  });

  it("only a changed site file reloads (proxy.preview toggled): on the way there, not back (D61)", async () => {
    const { host } = await liveGreen();
    const noPreview = await socketConfig("  preview: false\n");
    // What the plan reads (check mode) to say that this switch reloads.
    expect((await switchTo(host, noPreview, "blue", true))?.filesChanged).toBe(true);
    await switchAndReload(new MaintenanceBypass(host, noPreview), "blue");
    expect(reloads(host)).toBe(1);
    host.commands.length = 0;
    await switchAndReload(new MaintenanceBypass(host, noPreview), "green");
    expect(reloads(host)).toBe(0);
    expect((await switchTo(host, noPreview, "blue", true))?.filesChanged).toBe(false);
  });

  it("reloads once when the running nginx does not answer from the color the link names", async () => {
    const { host, cfg } = await liveGreen({ routeColor: "green" });
    const error = await failure(runHost(hostRun(host, cfg, [], []), "10.0.0.1"));
    // The reload did not help (a shadowing site): the run fails and goes back.
    expect(error.message).toBe("nginx still answers from green after switching to blue");
    expect(reloads(host)).toBeGreaterThanOrEqual(1);
  });

  it("round trips one after another: read 1, plan 2 (the lock, then the reads under it), then 4 up to the switch, 6 in all (a wave: what runs at once)", async () => {
    const { host: fake, cfg } = await liveGreen();
    const host = new WaveHost(fake);
    const serving: number[] = [];
    const sink = (e: DeployEvent) => {
      if (e.kind === "step" && e.step === "switch" && e.status === "changed") serving.push(host.waves);
    };
    const run = { ...hostRun(fake, cfg, [], []), host, sink };
    const prepared = await host.run(() => prepareHost(run, "10.0.0.1"));
    const read = host.waves;
    await host.run(() => planHost(prepared, { lockAhead: true }));
    const planned = host.waves - read;
    const result = await host.run(() => executeHost(prepared));
    expect(result.status).toBe("changed");
    // The lock and its record are one command, taken beside the plan's reads, and so are the unlock's read of the
    // record and its removal; the reconcile's reads and `nginx -t` come under the lock while the plan reads (the run
    // starts at the stage), the preview's setup with the gate's polls and the switch intent with the preview's check;
    // verify takes the switch's confirmation (the same request through nginx) instead of asking again; after the
    // switch: the record's writes with the intent's removal (one command), the unlock.
    expect([read, planned, (serving[0] ?? 0) - read - planned, host.waves - read - planned]).toEqual([1, 2, 4, 6]);
    const wave = (what: string) => host.log.findIndex((w) => w.some((c) => c.startsWith(what)));
    expect(wave("exec sh -c mkdir")).toBe(wave('exec sh -c echo "uid=$(id -u)"'));
    expect(host.log.filter((w) => w.some((c) => c.startsWith("exec sh -c mkdir")))).toHaveLength(1);
    expect(wave("exec nginx -t")).toBe(wave("exec sh -c mkdir") + 1);
    expect(wave("exec nginx -t")).toBe(wave("readFile /opt/shop/intent.json"));
    expect(host.log[wave("putFile /opt/shop/intent.json")]?.some((c) => c.startsWith("exec curl"))).toBe(true);
    expect(wave("exec mkdir -p -- /etc/nginx/slipway")).toBe(wave("exec curl --silent --show-error --max-time 1 "));
  });

  it("drains the old color beside the record's writes: no round trip of its own after serving", async () => {
    const wavesWith = async (drainSeconds: number) => {
      const { host: fake, cfg } = await liveGreen();
      const host = new WaveHost(fake);
      const prepared = await host.run(() => prepareHost({ ...hostRun(fake, cfg, [], []), host, drainSeconds }, "h"));
      const before = host.waves;
      expect((await host.run(() => executeHost(prepared))).status).toBe("changed");
      return { host, waves: host.waves - before };
    };
    const { host, waves } = await wavesWith(5);
    const wave = (what: (c: string) => boolean) => host.log.findIndex((w) => w.some(what));
    const drained = wave((c) => c.startsWith("exec ss -Htn state established"));
    expect(drained).toBeGreaterThan(0);
    expect(drained).toBe(wave((c) => c.startsWith("exec /bin/sh -c") && c.includes(" slipway-record ")));
    // As many round trips one after another as with no drain at all (drain 0s).
    expect(waves).toBe((await wavesWith(0)).waves);
  });

  it("reads the site while the links move, and writes a changed site only once they have moved", async () => {
    const { host: fake, cfg } = await liveGreen();
    const site = [...fake.files.keys()].find((p) => p.startsWith("/etc/nginx/conf.d/")) as string;
    fake.writeFile(site, "# an older site\n");
    const host = new WaveHost(fake);
    await host.run(() => switchTo(host, cfg, "blue"));
    const waveOf = (what: (c: string) => boolean) => host.log.findIndex((wave) => wave.some(what));
    const moved = waveOf((c) => c.startsWith("exec sh -c") && c.includes(" set "));
    expect(waveOf((c) => c === `readFile ${site}`)).toBe(moved);
    expect(waveOf((c) => c === `write ${site}`)).toBeGreaterThan(moved);
    expect(fake.files.get(LINK)?.target).toBe(listener("blue"));
  });

  it("the same release again is known in 2 round trips one after another: what is live, then 3 looks at once", async () => {
    const { host: fake, cfg } = await liveGreen();
    await runHost(hostRun(fake, cfg, [], []), "10.0.0.1");
    fake.files.set("/opt/shop/current", { kind: "link", mode: "0777", owner: "root", group: "root", target: "r2" });
    const host = new WaveHost(fake);
    const run = { ...hostRun(fake, cfg, [], []), host };
    run.runtime = {
      ...run.runtime,
      isRunning: async () => (await host.exec(["docker", "inspect"])).code === 0,
      stage: async () =>
        (await host.readFile("/opt/shop/env")) ? undefined : { changed: false, diffs: [], actions: [] },
    } as typeof run.runtime;
    const prepared = await host.run(() => prepareHost(run, "10.0.0.1"));
    expect(prepared.same).toBe("r2");
    expect(host.waves).toBe(2);
    expect(host.log[1]?.some((c) => c.startsWith("exec docker inspect"))).toBe(true);
    expect(host.log[1]?.some((c) => c.startsWith("readFile /opt/shop/env"))).toBe(true);
  });

  it("the same release again changes nothing: the links already point where they should", async () => {
    const { host, cfg } = await liveGreen();
    const first = await runHost(hostRun(host, cfg, [], []), "10.0.0.1");
    expect(first.status).toBe("changed");
    const run = hostRun(host, cfg, [], []);
    run.runtime = {
      ...run.runtime,
      isRunning: async () => true,
      stage: async () => ({ changed: false, diffs: [], actions: [] }),
    };
    host.commands.length = 0;
    const again = await runHost(run, "10.0.0.1");
    expect(again).toMatchObject({ status: "ok", color: "blue", release: "r2" });
    expect(host.files.get(LINK)?.target).toBe(listener("blue"));
    expect(host.commands.some((c) => c.argv[0] === "sh" && c.argv[4] === "set")).toBe(false);
  });
});
