import { describe, expect, it } from "vitest";
import { parseHostStatus, statusPlan } from "../../../src/deploy/status.js";
import { formatHostStatus } from "../../../src/deploy/status-format.js";
import { leftSwitch, servedColorOf, servedPlan } from "../../../src/deploy/status-served.js";
import { loadConfigText } from "../../support/config-text.js";

const CONFIG = `app: shop
runtime: container
services:
  web:
    build: { context: web }
    port: 5001
    health: { path: /health }
inventory:
  ssh: { user: deploy }
  hosts:
    h1: { address: 10.0.0.1 }
proxy:
  domains: [shop.example]
  routes:
    - { path: /, service: web }
`;

const names = (color: string) => [`shop-web-${color}`];
const NOW = new Date("2026-01-01T00:10:00Z");
const LINK = "/etc/nginx/slipway/shop-web.sock";
const INTENT = '{"to":"blue","from":"green","release":"new-2","run_id":"r9","since":"2026-01-01T00:05:00Z"}';

/** The status script's output: recorded green (old-1), nginx's link as given, an intent and a lock if given. */
function output(link: string, intent = "", lock = ""): string {
  return [
    "@@current",
    "/opt/shop/releases/old-1",
    "@@color",
    "green",
    "@@intent",
    intent,
    "@@lock",
    lock,
    "@@disk",
    "/dev/sda1 10485760 5242880 5242880 50% /",
    "@@container|shop-web-blue",
    '{"Status":"running","Health":{"Status":"healthy"}}',
    "@@container|shop-web-green",
    '{"Status":"running","Health":{"Status":"healthy"}}',
    "@@health|http://127.0.0.1:5001/health",
    "200",
    "@@health|http://127.0.0.1:15001/health",
    "200",
    `@@link|${LINK}`,
    link,
  ].join("\n");
}

async function plan(text = CONFIG) {
  const config = await loadConfigText(text);
  return { ...statusPlan(config, names, null), served: servedPlan(config) };
}

describe("slipway status: the color nginx serves and a switch left half done (D63)", () => {
  it("reads the public socket link of each routed service (proxy.switch socket)", async () => {
    expect(servedPlan(await loadConfigText(CONFIG))).toEqual({
      probes: [
        {
          probe: { kind: "link", target: LINK },
          blue: "/run/slipway/shop-web-blue.sock",
          green: "/run/slipway/shop-web-green.sock",
        },
      ],
    });
  });

  it("reads the upstream include under proxy.switch reload: each color's rendered file", async () => {
    const served = servedPlan(await loadConfigText(`${CONFIG}  switch: reload\n`));
    const file = "/etc/nginx/slipway/shop-web.upstream.conf";
    expect(served?.probes.map((p) => p.probe)).toEqual([{ kind: "file", target: file }]);
    const [probe] = served?.probes ?? [];
    expect(probe?.blue.split("\n").filter((l) => l.includes("server"))).toEqual(["    server 127.0.0.1:5001;"]);
    expect(probe?.green.split("\n").filter((l) => l.includes("server"))).toEqual(["    server 127.0.0.1:15001;"]);
    const lines = (text: string) => () => text.split("\n");
    expect(servedColorOf(served ?? { probes: [] }, lines(`${probe?.green}\n`))).toBe("green");
    expect(servedColorOf(served ?? { probes: [] }, lines("upstream edited_by_hand {}"))).toBe(null);
  });

  it("no nginx site (proxy.mode internal): nothing to read", async () => {
    const config = await loadConfigText(CONFIG);
    expect(servedPlan({ ...config, proxy: { ...config.proxy, mode: "internal" } })).toBe(null);
  });

  it("a run killed after the switch: nginx serves blue, the record says green; says so, marks blue live, exit 2", async () => {
    const holder = '{"holder":"ci","commit":"c","since":"2026-01-01T00:04:00Z","run_id":"r9","pid":1}';
    const s = parseHostStatus(
      "h1",
      "/opt/shop",
      await plan(),
      output("/run/slipway/shop-web-blue.sock", INTENT, holder),
      NOW,
      () => false,
    );
    expect(s.served).toBe("blue");
    expect(s.color).toBe("green");
    expect(s.release).toBe("old-1");
    expect(s.units.map((u) => [u.name, u.live])).toEqual([
      ["shop-web-blue", true],
      ["shop-web-green", false],
    ]);
    expect(s.health.map((h) => h.url)).toEqual(["http://127.0.0.1:5001/health"]);
    expect(s.problems).toEqual([
      "nginx serves blue (release new-2, not recorded: run r9 was killed during its switch at 2026-01-01T00:05:00Z); the next deploy points nginx back at the recorded green (release old-1) before it starts, or `slipway lock release --run r9` does it now",
      "stale lock",
    ]);
    expect(formatHostStatus(s).split("\n")[0]).toBe(
      "h1: nginx serves blue (release new-2, not recorded); recorded old-1 on green; lock held by ci (commit c, run r9, pid 1) since 2026-01-01T00:04:00Z for 6 min (stale); disk 5.0 GiB free (50% used)",
    );
  });

  it("the lock is gone or another run's: the next deploy is the way out", async () => {
    const s = parseHostStatus("h1", "/opt/shop", await plan(), output("/run/slipway/shop-web-blue.sock", INTENT), NOW);
    expect(s.problems).toEqual([
      "nginx serves blue (release new-2, not recorded: run r9 was killed during its switch at 2026-01-01T00:05:00Z); the next deploy points nginx back at the recorded green (release old-1) before it starts",
    ]);
  });

  it("an intent with nginx still on the recorded color is harmless: no problem, the record is live", async () => {
    const s = parseHostStatus("h1", "/opt/shop", await plan(), output("/run/slipway/shop-web-green.sock", INTENT), NOW);
    expect(s.served).toBe("green");
    expect(s.intent).toEqual({
      to: "blue",
      from: "green",
      release: "new-2",
      run_id: "r9",
      since: "2026-01-01T00:05:00Z",
    });
    expect(s.problems).toEqual([]);
    expect(formatHostStatus(s).split("\n")[0]).toBe("h1: old-1 on green; lock free; disk 5.0 GiB free (50% used)");
  });

  it("nginx on the other color without an intent: named, and what the next deploy does", async () => {
    const s = parseHostStatus("h1", "/opt/shop", await plan(), output("/run/slipway/shop-web-blue.sock"), NOW);
    expect(s.problems).toEqual([
      "nginx serves blue while the record says green: the next deploy goes by what nginx serves",
    ]);
    expect(formatHostStatus(s).split("\n")[0]).toBe(
      "h1: nginx serves blue; recorded old-1 on green; lock free; disk 5.0 GiB free (50% used)",
    );
  });

  it("a link naming neither color (removed by hand): served unknown, the record stands", async () => {
    const s = parseHostStatus("h1", "/opt/shop", await plan(), output(""), NOW);
    expect(s.served).toBe(null);
    expect(s.units.map((u) => u.live)).toEqual([false, true]);
    expect(s.problems).toEqual([]);
  });
});

describe("leftSwitch: a killed run's switch nginx still follows (D82)", () => {
  const intent = { to: "green" as const, from: "blue" as const, release: "k", run_id: "r1", since: "t" };
  const recorded = { color: "blue" as const, release: "e" };
  it("is the intent's release when nginx serves the intent's color, not the recorded one", () => {
    expect(leftSwitch({ served: "green", recorded, intent })).toEqual({ served: "green", release: "k", run: "r1" });
  });
  it("is null when nginx serves the recorded color, another color than the intent's, or nothing is known", () => {
    expect(leftSwitch({ served: "blue", recorded, intent })).toBeNull();
    expect(leftSwitch({ served: "green", recorded, intent: { ...intent, to: "blue" } })).toBeNull();
    expect(leftSwitch({ served: "green", recorded, intent: null })).toBeNull();
    expect(leftSwitch({ served: null, recorded, intent })).toBeNull();
  });
});
