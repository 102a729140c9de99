import { describe, expect, it } from "vitest";
import { certIdentity } from "../../../src/certs/served.js";
import { parseHostStatus, statusPlan, withServedReason } from "../../../src/deploy/status.js";
import { formatHostStatus } from "../../../src/deploy/status-format.js";
import { loadConfigText } from "../../support/config-text.js";
import { selfSigned } from "../certs/self-signed.js";

const CONFIG = `app: shop
runtime: systemd
services:
  web:
    build: { context: web }
    port: 5001
    health: { path: /health }
    systemd: { app_module: "shop:app" }
inventory:
  ssh: { user: deploy }
  hosts:
    h1: { address: 10.0.0.1 }
proxy:
  domains: [shop.example]
  routes:
    - { path: /, service: web }
`;

function config() {
  return loadConfigText(CONFIG);
}

const names = (color: string) => [`shop-web@${color}.service`];
const NOW = new Date("2026-01-01T00:10:00Z");

describe("slipway status (parsing)", () => {
  it("asks for both colors' units and health URLs", async () => {
    const plan = statusPlan(await config(), names, null);
    expect(plan.probes).toEqual([
      { kind: "unit", target: "shop-web@blue.service" },
      { kind: "unit", target: "shop-web@green.service" },
      { kind: "health", target: "http://127.0.0.1:5001/health" },
      { kind: "health", target: "http://127.0.0.1:15001/health" },
    ]);
  });

  it("reads a healthy host: live release and color, the live unit running, health 200, lock held 600 s", async () => {
    const cfg = await config();
    const plan = statusPlan(cfg, names, null);
    const out = [
      "@@current",
      "/opt/shop/releases/abc-1",
      "@@color",
      "green",
      "@@lock",
      '{"holder":"alice","commit":"abc","since":"2026-01-01T00:00:00Z"}',
      "@@disk",
      "/dev/sda1 10485760 5242880 5242880 50% /",
      "@@unit|shop-web@blue.service",
      "ActiveState=inactive",
      "SubState=dead",
      "@@unit|shop-web@green.service",
      "ActiveState=active",
      "SubState=running",
      "@@health|http://127.0.0.1:5001/health",
      "000",
      "@@health|http://127.0.0.1:15001/health",
      "200",
    ].join("\n");
    const s = parseHostStatus("h1", "/opt/shop", plan, out, NOW, () => null);
    expect(s).toEqual({
      host: "h1",
      release: "abc-1",
      color: "green",
      units: [
        { name: "shop-web@blue.service", color: "blue", live: false, state: "inactive (dead)", running: false },
        { name: "shop-web@green.service", color: "green", live: true, state: "active (running)", running: true },
      ],
      health: [{ service: "web", url: "http://127.0.0.1:15001/health", status: 200, expected: 200, healthy: true }],
      lock: {
        state: "held",
        holder: { holder: "alice", commit: "abc", since: "2026-01-01T00:00:00Z" },
        ageSeconds: 600,
      },
      disk: { path: "/opt/shop", freeBytes: 5242880 * 1024, usedPercent: 50 },
      certificate: null,
      problems: [],
    });
    expect(formatHostStatus(s).split("\n").at(-1)).toBe("  healthy");
  });

  it("names every problem: nothing answering, a failed unit, a stale lock, low disk", async () => {
    const plan = statusPlan(await config(), names, null);
    const out = [
      "@@current",
      "/opt/shop/releases/abc-1",
      "@@color",
      "blue",
      "@@lock",
      '{"holder":"bob","commit":"c","since":"2026-01-01T00:00:00Z","pid":1}',
      "@@disk",
      "/dev/sda1 10485760 10000000 485760 96% /",
      "@@unit|shop-web@blue.service",
      "ActiveState=failed",
      "SubState=failed",
      "@@health|http://127.0.0.1:5001/health",
      "000",
    ].join("\n");
    const s = parseHostStatus("h1", "/opt/shop", plan, out, NOW, () => false);
    expect(s.problems).toEqual([
      "shop-web@blue.service is failed (failed)",
      "web health no answer (want 200)",
      "stale lock",
      "low disk: 474.4 MiB free",
    ]);
    expect(parseHostStatus("h1", "/opt/shop", plan, "@@current\n@@color\n", NOW).problems[0]).toBe("nothing deployed");
  });

  it("reads containers from docker's JSON state and the certificate from a `cert` probe (D34: helper mode reads both)", async () => {
    const cfg = { ...(await config()), runtime: "container" as const };
    const cert = {
      path: "/etc/letsencrypt/live/shop.example/fullchain.pem",
      name: "shop.example",
      domains: ["shop.example"],
      renewBeforeDays: 30,
    };
    const plan = statusPlan(cfg, (color) => [`shop-web-${color}`], cert);
    expect(plan.probes.filter((p) => p.kind !== "health")).toEqual([
      { kind: "container", target: "shop-web-blue" },
      { kind: "container", target: "shop-web-green" },
      { kind: "cert", target: "/etc/letsencrypt/live/shop.example/fullchain.pem" },
    ]);
    const out = [
      "@@current",
      "/opt/shop/releases/abc-1",
      "@@color",
      "blue",
      "@@lock",
      "",
      "@@disk",
      "/dev/sda1 10485760 5242880 5242880 50% /",
      "@@container|shop-web-blue",
      '{"Status":"running","Running":true,"Health":{"Status":"healthy","FailingStreak":0,"Log":[]}}',
      "@@container|shop-web-green",
      '{"Status":"exited","Running":false,"ExitCode":0}',
      "@@health|http://127.0.0.1:5001/health",
      "200",
      `@@cert|${cert.path}`,
    ].join("\n");
    const s = parseHostStatus("h1", "/opt/shop", plan, out, NOW, () => null);
    expect(s.units).toEqual([
      { name: "shop-web-blue", color: "blue", live: true, state: "running healthy", running: true },
      { name: "shop-web-green", color: "green", live: false, state: "exited", running: false },
    ]);
    expect(s.problems).toEqual(["certificate missing"]);
    const unhealthy = out.replace('"healthy"', '"unhealthy"');
    expect(parseHostStatus("h1", "/opt/shop", plan, unhealthy, NOW, () => null).problems).toEqual([
      "shop-web-blue is running unhealthy",
      "certificate missing",
    ]);
  });

  it("compares the certificate nginx serves with the file (D70): a renewal nginx never loaded is a problem", async () => {
    const cfg = await config();
    const cert = {
      path: "/etc/letsencrypt/live/shop.example/fullchain.pem",
      name: "shop.example",
      domains: ["shop.example"],
      renewBeforeDays: 30,
      servedName: "shop.example",
    };
    const plan = statusPlan(cfg, names, cert);
    expect(plan.probes.slice(-2)).toEqual([
      { kind: "cert", target: "/etc/letsencrypt/live/shop.example/fullchain.pem" },
      { kind: "tls", target: "shop.example" },
    ]);
    const renewed = selfSigned(["shop.example"], 90);
    const old = selfSigned(["shop.example"], 60);
    const file = certIdentity(renewed);
    const served = certIdentity(old);
    if (!file || !served) throw new Error("test certificates do not parse");
    const out = (servedPem: string) =>
      [
        "@@current",
        "/opt/shop/releases/abc-1",
        "@@color",
        "blue",
        "@@disk",
        "/dev/sda1 10485760 5242880 5242880 50% /",
        "@@unit|shop-web@blue.service",
        "ActiveState=active",
        "SubState=running",
        "@@health|http://127.0.0.1:5001/health",
        "200",
        `@@cert|${cert.path}`,
        renewed.trim(),
        "@@tls|shop.example",
        servedPem.trim(),
      ].join("\n");
    const now = new Date();
    const fine = parseHostStatus("h1", "/opt/shop", plan, out(renewed), now, () => null);
    expect(fine.certificate).toMatchObject({ state: "valid", file, served: file, servedState: "loaded" });
    expect(fine.problems).toEqual([]);
    expect(formatHostStatus(fine)).toContain("; served by nginx\n  healthy");

    const stale = parseHostStatus("h1", "/opt/shop", plan, out(old), now, () => null);
    const facts = `serves serial ${served.serial} until ${served.notAfter}, the file has serial ${file.serial} until ${file.notAfter}`;
    expect(stale.certificate?.servedState).toBe("not-loaded");
    expect(stale.problems).toEqual([`renewed certificate not loaded by nginx (${facts})`]);
    const why = 'nginx -t fails: unknown directive "bogus" in /etc/nginx/conf.d/zz.conf:1';
    const explained = withServedReason(stale, why);
    expect(explained.problems).toEqual([`renewed certificate not loaded by nginx (${facts}): ${why}`]);
    expect(explained.certificate?.why).toBe(why);
    expect(formatHostStatus(explained).split("\n").slice(-2)).toEqual([
      `  certificate shop.example: valid until ${file.notAfter} (${stale.certificate?.daysLeft} days); nginx serves serial ${served.serial} until ${served.notAfter} (see journalctl -t slipway-certbot)`,
      `  UNHEALTHY: renewed certificate not loaded by nginx (${facts}): ${why}`,
    ]);
    // Nothing answered on 443 (or no openssl): not known, so not a problem.
    const unknown = parseHostStatus("h1", "/opt/shop", plan, out(""), now, () => null);
    expect(unknown.certificate?.served).toBeNull();
    expect(unknown.problems).toEqual([]);
    expect(withServedReason(fine, why)).toBe(fine);
  });
});

describe("slipway status: a maintenance page a killed run left (D80)", () => {
  const PAGE = "/etc/nginx/slipway/shop.maintenance.html";
  const hostOut = (page: string[], lock: string) =>
    [
      "@@current",
      "/opt/shop/releases/abc-1",
      "@@color",
      "green",
      "@@lock",
      lock,
      "@@disk",
      "/dev/sda1 10485760 5242880 5242880 50% /",
      "@@unit|shop-web@green.service",
      "ActiveState=active",
      "SubState=running",
      "@@health|http://127.0.0.1:15001/health",
      "200",
      `@@file|${PAGE}`,
      ...page,
    ].join("\n");
  const RUN_PAGE = ["<!doctype html>", "<!-- slipway maintenance owner: run f38ad8d591bd -->", "</html>"];
  const LOCK = '{"holder":"bob","commit":"c","since":"2026-01-01T00:00:00Z","run_id":"f38ad8d591bd","pid":1}';

  it("the run that put it on is gone (lock stale or free): named in the head line and as a problem", async () => {
    const plan = statusPlan(await config(), names, null, PAGE);
    for (const [lock, alive] of [
      [LOCK, false],
      ["", null],
    ] as const) {
      const s = parseHostStatus("h1", "/opt/shop", plan, hostOut(RUN_PAGE, lock), NOW, () => alive);
      expect(s.maintenanceLeftBy).toBe("f38ad8d591bd");
      expect(s.problems.at(-1)).toBe("maintenance page left on by killed run f38ad8d591bd");
      expect(formatHostStatus(s).split("\n")[0]).toMatch(/; maintenance on \(left by killed run f38ad8d591bd\)$/);
    }
  });

  it("the run still holds the lock, or the user put the page on: maintenance on, no problem", async () => {
    const plan = statusPlan(await config(), names, null, PAGE);
    const running = parseHostStatus("h1", "/opt/shop", plan, hostOut(RUN_PAGE, LOCK), NOW, () => true);
    const user = ["<!doctype html>", "<!-- slipway maintenance owner: user -->", "</html>"];
    const users = parseHostStatus("h1", "/opt/shop", plan, hostOut(user, ""), NOW, () => null);
    for (const s of [running, users]) {
      expect(s.maintenance).toBe(true);
      expect(s.maintenanceLeftBy).toBeUndefined();
      expect(s.problems).toEqual([]);
      expect(formatHostStatus(s).split("\n")[0]).toMatch(/; maintenance on$/);
    }
  });
});
