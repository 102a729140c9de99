/**
 * The load-balancer layout's sync points (src/deploy/layout-sync.ts): a host passes a point once every host reached
 * it; a failure stops the others at their next point; undos wait at each point for every host that had passed it.
 */
import { describe, expect, it } from "vitest";
import type { ResolvedHost } from "../../../src/config/index.js";
import { requireWholeLayout, unreachableLayout } from "../../../src/deploy/layout-run.js";
import { LayoutSync } from "../../../src/deploy/layout-sync.js";
import { hostSteps } from "../../../src/deploy/steps/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("LayoutSync", () => {
  it("lets no host past a point before every host reached it", async () => {
    const sync = new LayoutSync(["lb", "a", "b"]);
    const passed: string[] = [];
    const wait = (h: string) => sync.arrive("gated", h).then(() => passed.push(h));
    const all = [wait("lb"), wait("a")];
    await tick();
    expect(passed).toEqual([]);
    all.push(wait("b"));
    await Promise.all(all);
    expect(passed.sort()).toEqual(["a", "b", "lb"]);
  });

  it("a failure stops the hosts waiting at a point, naming the host and its error", async () => {
    const sync = new LayoutSync(["lb", "a"]);
    const waiting = sync.arrive("gated", "lb");
    sync.fail("a", new Error("api (green) did not become healthy\nmore"));
    await expect(waiting).rejects.toThrow(
      "stopped: a failed in the same load-balancer deploy (api (green) did not become healthy)",
    );
    await expect(sync.arrive("switched", "lb")).rejects.toThrow("a failed");
  });

  it("a host that ends without reaching a point stops the others there", async () => {
    const sync = new LayoutSync(["lb", "a"]);
    const waiting = sync.arrive("gated", "lb");
    sync.end("a");
    await expect(waiting).rejects.toThrow("stopped: a failed in the same load-balancer deploy (ended before gated)");
  });

  it("undo: an app host back at `gated` waits until the nginx host undid its switch and is back there too", async () => {
    const sync = new LayoutSync(["lb", "a"]);
    await Promise.all([sync.arrive("gated", "lb"), sync.arrive("gated", "a")]);
    const order: string[] = [];
    const app = (async () => {
      await sync.arrive("switched", "a").catch(() => undefined);
      await sync.back("switched", "a");
      await sync.back("gated", "a");
      order.push("a stops its new color");
    })();
    await tick();
    sync.fail("lb", new Error("verification through nginx failed"));
    await tick();
    order.push("lb switches back");
    await sync.back("gated", "lb");
    await app;
    expect(order).toEqual(["lb switches back", "a stops its new color"]);
  });

  it("an undo does not wait for a host that never reached the point, nor one whose run ended", async () => {
    const sync = new LayoutSync(["lb", "a", "b"]);
    void sync.arrive("gated", "lb").catch(() => undefined);
    sync.fail("b", new Error("boom"));
    await sync.back("gated", "lb");
    const s2 = new LayoutSync(["lb", "a"]);
    await Promise.all([s2.arrive("gated", "lb"), s2.arrive("gated", "a")]);
    s2.end("a");
    await s2.back("gated", "lb");
  });
});

describe("a run over the load-balancer layout", () => {
  const host = (name: string) => ({ name, address: `10.0.0.${name.length}` }) as ResolvedHost;

  it("refuses a --limit that leaves out a host of the layout, naming it", () => {
    const all = [host("lb"), host("app1"), host("app2")];
    expect(() => requireWholeLayout(all, all)).not.toThrow();
    expect(() => requireWholeLayout(all, [host("app1"), host("app2")])).toThrow(
      "--limit leaves out lb of the load-balancer layout",
    );
  });

  it("runs nowhere when a host is unreachable, and says so on the others", () => {
    const results = unreachableLayout([
      { resolved: host("lb"), error: "connection refused" },
      { resolved: host("app1"), host: {} as RemoteHost },
    ]);
    expect(results).toEqual([
      { name: "lb", status: "unreachable", error: "connection refused" },
      {
        name: "app1",
        status: "failed",
        error: "not deployed: lb unreachable, and the hosts of a load-balancer layout deploy together",
      },
    ]);
    expect(unreachableLayout([{ resolved: host("lb"), host: {} as RemoteHost }])).toBeNull();
  });

  it("runs the steps in the cross-host order, with a sync point between app and nginx hosts' steps", () => {
    expect(hostSteps(false, true).map((s) => s.name)).toEqual([
      "lock",
      "reconcile",
      "preflight",
      "certificate",
      "backup",
      "stage",
      "start",
      "gate",
      "before_switch",
      "wait-gated",
      "preview",
      "switch",
      "verify",
      "wait-switched",
      "after_switch",
      "wait-after-switch",
      "record",
      "retire",
    ]);
  });
});
