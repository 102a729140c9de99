/**
 * D84 item 3: a failed switch's undo puts back the nginx site the host served before the run, byte for byte (the
 * config being deployed may render another site: another domain), not this config's site on the old color.
 */
import { describe, expect, it } from "vitest";
import type { DeployEvent } from "../../../src/deploy/events.js";
import { runHost } from "../../../src/deploy/host-flow.js";
import { MaintenanceBypass } from "../../../src/deploy/maintenance-bypass.js";
import { keepSiteBefore, switchTo } from "../../../src/deploy/nginx.js";
import { sitePathFromConfig } from "../../../src/render/from-config/index.js";
import {
  config,
  failure,
  hostRun,
  hostWithLiveGreen,
  LINK,
  listener,
  logLines,
  PREVIEW_UPSTREAM,
  reloads,
  stepTrail,
  UPSTREAM,
} from "./flow-support.js";

/** The site an earlier deploy installed, with another name than this config's (a changed `proxy.domains`). */
const PREVIOUS_SITE = "# the site an earlier deploy installed\nserver {\n    server_name shop-old.example;\n}\n";
const PREVIOUS_UPSTREAM = "upstream shop_web {\n    server 127.0.0.1:15001;\n}\n";

describe("keepSiteBefore", () => {
  it("keeps each path's first previous content, the latest new one, and adds new paths", () => {
    const kept = keepSiteBefore(undefined, [
      { path: "/a", before: "a0", after: "a1" },
      { path: "/b", before: undefined, after: "b1" },
    ]);
    expect(
      keepSiteBefore(kept, [
        { path: "/a", before: "a1", after: "a2" },
        { path: "/c", before: "c0", after: "c1" },
      ]),
    ).toEqual([
      { path: "/a", before: "a0", after: "a2" },
      { path: "/b", before: undefined, after: "b1" },
      { path: "/c", before: "c0", after: "c1" },
    ]);
    expect(keepSiteBefore(kept, [])).toEqual(kept);
  });
});

describe("the undo of a failed switch puts the previous site back (D84)", () => {
  it("proxy.switch reload, verify fails after the switch: the site and upstream files as they were, byte for byte", async () => {
    const host = hostWithLiveGreen({ route: 301 });
    const cfg = await config();
    const site = sitePathFromConfig(cfg);
    host.writeFile(site, PREVIOUS_SITE);
    const events: DeployEvent[] = [];
    const calls: string[] = [];
    const error = await failure(runHost(hostRun(host, cfg, calls, events), "10.0.0.1"));
    expect(error.message).toBe(
      "verification through nginx failed after the switch: GET http://shop.example/: expected status 200, got 301: hello",
    );
    expect(error.hint).toContain("switched back to green, which serves the previous release");
    expect(stepTrail(events).slice(-3)).toEqual(["verify:failed", "switch:undone", "start:undone"]);
    expect(host.files.get(site)?.content).toBe(PREVIOUS_SITE);
    expect(host.files.get(UPSTREAM)?.content).toBe(PREVIOUS_UPSTREAM);
    // New with the preview's setup: gone again.
    expect(host.files.has(PREVIEW_UPSTREAM)).toBe(false);
    expect(logLines(events, "switch")).toEqual([
      "switched nginx to blue",
      "put back the nginx site as it was before this run",
      "switched back to green",
    ]);
    expect(calls).toEqual(["stage blue", "start blue", "stop blue"]);
  });

  it("nginx still answering from the old color (a shadowing site): the previous site is back too", async () => {
    const host = hostWithLiveGreen({ routeColor: "green" });
    const cfg = await config();
    const site = sitePathFromConfig(cfg);
    host.writeFile(site, PREVIOUS_SITE);
    const error = await failure(runHost(hostRun(host, cfg, [], []), "10.0.0.1"));
    expect(error.message).toBe("nginx still answers from green after switching to blue");
    expect(host.files.get(site)?.content).toBe(PREVIOUS_SITE);
    expect(host.files.get(UPSTREAM)?.content).toBe(PREVIOUS_UPSTREAM);
  });

  it("a failed preview: the site its setup installed goes back as well", async () => {
    const host = hostWithLiveGreen({ preview: 502 });
    const cfg = await config();
    const site = sitePathFromConfig(cfg);
    host.writeFile(site, PREVIOUS_SITE);
    const events: DeployEvent[] = [];
    await failure(runHost(hostRun(host, cfg, [], events), "10.0.0.1"));
    expect(stepTrail(events).slice(-3)).toEqual(["preview:failed", "preview:undone", "start:undone"]);
    expect(host.files.get(site)?.content).toBe(PREVIOUS_SITE);
    expect(host.files.get(UPSTREAM)?.content).toBe(PREVIOUS_UPSTREAM);
  });

  it("proxy.switch socket: the link back on the old color and the previous site file, one reload", async () => {
    const host = hostWithLiveGreen({ route: 502 });
    const cfg = await config("  preview: false\n", "socket");
    host.files.delete(UPSTREAM);
    await switchTo(host, cfg, "green");
    await new MaintenanceBypass(host, cfg).ensure();
    const site = sitePathFromConfig(cfg);
    host.writeFile(site, PREVIOUS_SITE);
    host.commands.length = 0;
    const error = await failure(runHost(hostRun(host, cfg, [], []), "10.0.0.1"));
    expect(error.message).toContain("verification through nginx failed after the switch");
    expect(host.files.get(LINK)?.target).toBe(listener("green"));
    expect(host.files.get(site)?.content).toBe(PREVIOUS_SITE);
    // The switch installed this config's site (reload), the undo the previous one (reload).
    expect(reloads(host)).toBe(2);
  });

  it("nothing kept (only the links moved): switched back as before, no reload", async () => {
    const host = hostWithLiveGreen({ route: 502 });
    const cfg = await config("  preview: false\n", "socket");
    host.files.delete(UPSTREAM);
    await switchTo(host, cfg, "green");
    await new MaintenanceBypass(host, cfg).ensure();
    host.commands.length = 0;
    const events: DeployEvent[] = [];
    await failure(runHost(hostRun(host, cfg, [], events), "10.0.0.1"));
    expect(host.files.get(LINK)?.target).toBe(listener("green"));
    expect(reloads(host)).toBe(0);
    expect(logLines(events, "switch")).toEqual(["switched nginx to blue", "switched back to green"]);
  });
});
