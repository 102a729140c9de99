/**
 * The load-balancer layout of seed 000 ("load balanced backend") on three targets: t1 runs nginx only
 * (`proxy.hosts: [t1]`), t2 and t3 run the harvest services only (`services.*.hosts: [app]`). The app hosts stage,
 * start and gate; t1 previews, switches and verifies with an upstream of both app hosts' addresses; the app hosts
 * retire after. A blue-green deploy under a keep-alive request flood through t1 fails no request; a broken release
 * (preview off, so it reaches users) is switched back on t1 before the app hosts stop it; a rollback goes back.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { firewallPorts } from "../../../src/config/firewall.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, deploy, rollback } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { instanceUnitName } from "../../../src/render/systemd.js";
import { REPO_ROOT, sandboxHostname, sandboxTarget } from "../support/sandbox.js";
import { requestFlood } from "./fault-support.js";
import { cleanHost, connectTarget, viaNginx, writeOverlay } from "./support.js";

const APP = "lbharvest";
const DOMAIN = "lb.e2e.test";
const RELEASE_DIR = `${REPO_ROOT}/examples/harvest`;
const PORTS = { backend: 5531, frontend: 8531 };
const NAMES = ["t1", "t2", "t3"] as const;
const address = (name: string) => sandboxTarget(name).host;
const lb = () => address("t1");

/** harvest's slipway.yml on t1 (nginx), t2 and t3 (group `app`, the services). */
function layoutConfig(): string {
  const file = writeOverlay("harvest", { app: APP, domain: DOMAIN, target: "t1", ports: PORTS, healthTimeout: "20s" });
  const yaml = parse(readFileSync(file, "utf8"));
  const t1 = yaml.inventory.hosts.t1;
  yaml.inventory.hosts = { t1, t2: { address: address("t2") }, t3: { address: address("t3") } };
  yaml.inventory.groups = { app: { hosts: ["t2", "t3"] } };
  yaml.proxy.hosts = ["t1"];
  for (const service of Object.values<Record<string, unknown>>(yaml.services)) service.hosts = ["app"];
  // A SQLite file on two app hosts is refused by validate (each host would keep its own copy): this test is about the
  // layout, so the backend keeps a scratch file in its private /tmp (PrivateTmp=yes), unmanaged, as a cache would be.
  delete yaml.database;
  yaml.services.backend.env.DATABASE_PATH = "/tmp/harvest.db";
  yaml.tls = { enabled: false };
  writeFileSync(file, stringify(yaml));
  return file;
}

/** Both colors' ports of both services: what the app hosts' firewall keeps for the nginx host. */
const COLOR_PORTS = Object.values(PORTS).flatMap((p) => [p, p + 10000]);
const TEST_TABLE = "slipway_lbtest";

/**
 * The app hosts' firewall as bootstrap.yml would make it for this config: the upstream rules of
 * config/firewall.ts (t1 may reach the color ports) go into the bootstrap firewall when the host has one (another
 * suite may have bootstrapped it), and a table of this test's drops every other source on those ports, so the test
 * sees what a bootstrapped host lets through. Loopback stays open (the health gate polls the host's own address).
 */
async function fenceAppHost(host: RemoteHost, config: SlipwayConfig): Promise<void> {
  const rules = firewallPorts(config, host.name).upstreamRules;
  expect(rules).toEqual([
    `ip saddr { ${address("t1")} } tcp dport { ${[...COLOR_PORTS].sort((a, b) => a - b).join(", ")} } accept`,
  ]);
  const bootstrapped = await host.exec(["nft", "list", "table", "inet", "slipway_firewall"], {
    become: true,
    check: false,
  });
  if (bootstrapped.code === 0) {
    for (const rule of rules) {
      await host.exec(["sh", "-c", 'nft add rule inet slipway_firewall input $1 comment "lbtest"', "sh", rule], {
        become: true,
      });
    }
  }
  const table = [
    `table inet ${TEST_TABLE} {`,
    "  chain input {",
    "    type filter hook input priority filter; policy accept;",
    '    iif "lo" accept',
    ...rules.map((r) => `    ${r}`),
    `    tcp dport { ${COLOR_PORTS.join(", ")} } drop`,
    "  }",
    "}",
  ].join("\n");
  await host.putFile(`/tmp/${TEST_TABLE}.nft`, `${table}\n`, { become: true, mode: 0o600 });
  await host.exec(["nft", "-f", `/tmp/${TEST_TABLE}.nft`], { become: true });
}

/** Takes out what fenceAppHost added (this test's table, its rules in the bootstrap firewall). */
async function unfenceAppHost(host: RemoteHost): Promise<void> {
  const script = [
    `nft delete table inet ${TEST_TABLE} 2>/dev/null`,
    "nft -a list chain inet slipway_firewall input 2>/dev/null | sed -n 's/.*comment \"lbtest\" # handle \\([0-9]*\\)$/\\1/p' |",
    '  while read -r h; do nft delete rule inet slipway_firewall input handle "$h"; done',
    `rm -f /tmp/${TEST_TABLE}.nft`,
  ].join("\n");
  await host.exec(["sh", "-c", script], { become: true, check: false });
}

/** Whether a TCP connection from this machine (not an nginx host) to address:port opens within 2 s. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port, timeout: 2000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.on("connect", () => done(true));
    socket.on("timeout", () => done(false));
    socket.on("error", () => done(false));
  });
}

describe("load-balancer layout: nginx on t1, the app on t2 and t3", () => {
  const hosts: Record<string, RemoteHost> = {};
  let config: SlipwayConfig;
  const base = (): DeployOptions => ({
    config,
    actor: "e2e",
    releaseDir: RELEASE_DIR,
    drainSeconds: 0,
    secrets: { SECRET_KEY: "e2e" },
  });
  const release = async (id: string, extra: Record<string, string> = {}, cfg = config) => {
    const lines: string[] = [];
    const result = await deploy({
      ...base(),
      config: cfg,
      releaseId: id,
      versionEnv: { APP_VERSION: id, ...extra },
      onEvent: terminalSink((l) => lines.push(l)),
    });
    return { result, log: lines.join("\n") };
  };
  const version = async () => JSON.parse((await viaNginx(lb(), DOMAIN, "/api/health")).body).version;
  const active = async (name: string, color: "blue" | "green") =>
    (
      await hosts[name]?.exec(["systemctl", "is-active", instanceUnitName(APP, "backend", color)], { check: false })
    )?.stdout.trim() === "active";

  beforeAll(async () => {
    for (const name of NAMES) {
      hosts[name] = await connectTarget(name);
      await cleanHost(hosts[name] as RemoteHost, APP);
    }
    config = await loadConfig(layoutConfig());
    for (const name of ["t2", "t3"]) await fenceAppHost(hosts[name] as RemoteHost, config);
  });

  afterAll(async () => {
    for (const host of Object.values(hosts)) {
      await unfenceAppHost(host);
      await cleanHost(host, APP);
      await host.close();
    }
  });

  it("first deploy: services only on t2 and t3, bound to their own address; the site only on t1, upstream both", async () => {
    const { result, log } = await release("lb1");
    expect(result.ok, log).toBe(true);
    expect(result.hosts.map((h) => [h.name, h.status])).toEqual([
      ["t1", "changed"],
      ["t2", "changed"],
      ["t3", "changed"],
    ]);
    expect(await version()).toBe("lb1");
    // Round robin over both app hosts: each answers through t1's nginx.
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) seen.add(JSON.parse((await viaNginx(lb(), DOMAIN, "/api/info")).body).hostname);
    // The app's own hostname: the sandbox's name for t2 and t3 (t11 and t12 when the lane moves them by 9).
    expect([...seen].sort()).toEqual([sandboxHostname("t2"), sandboxHostname("t3")].sort());
    expect(await active("t1", "blue")).toBe(false);
    const site = `/etc/nginx/conf.d/slipway-${APP}.conf`;
    for (const name of ["t2", "t3"]) {
      expect(await hosts[name]?.readFile(site)).toBeUndefined();
      // The color's port listens on the host's inventory address only: not on loopback, not on every address.
      const listening = await hosts[name]?.exec(["ss", "-Hltn", `sport = :${PORTS.backend}`], { check: false });
      expect(listening?.stdout).toContain(`${address(name)}:${PORTS.backend}`);
      expect(listening?.stdout).not.toMatch(/(0\.0\.0\.0|127\.0\.0\.1|\*):5531/);
    }
    expect((await hosts.t1?.readFile(site))?.toString()).toBeTruthy();
    // Only the nginx host reaches the app hosts' color ports (the upstream rules of config/firewall.ts).
    expect(await reachable(address("t2"), PORTS.backend)).toBe(false);
  });

  it("a blue-green deploy of v2 under a request flood through t1: 0 failed requests", async () => {
    const flood = requestFlood(lb(), DOMAIN, "/api/harvests", 8, "BROKEN");
    const { result, log } = await release("lb2");
    const counts = await flood.stop(result.ok ? 3000 : 0);
    console.log(`request flood during a load-balancer deploy: ${JSON.stringify(counts)}`);
    expect(result.ok, log).toBe(true);
    expect(counts.failed, counts.samples.join("\n")).toBe(0);
    expect(counts.duringDeploy).toBeGreaterThan(0);
    expect(await version()).toBe("lb2");
    // The order across hosts: both app hosts gated before t1 switched, retired after.
    const order = log.split("\n").filter((l) => /switched nginx|is healthy|stopped (blue|green)/.test(l));
    const at = (re: RegExp) => order.findIndex((l) => re.test(l));
    expect(at(/\[t1\].*switched nginx/)).toBeGreaterThan(at(/\[t2\].*is healthy/));
    expect(at(/\[t1\].*switched nginx/)).toBeGreaterThan(at(/\[t3\].*is healthy/));
    expect(at(/\[t2\].*stopped/)).toBeGreaterThan(at(/\[t1\].*switched nginx/));
  });

  it("a broken release that reaches users (preview off) is switched back on t1, then stopped on t2 and t3", async () => {
    const noPreview = { ...config, proxy: { ...config.proxy, preview: false } } as SlipwayConfig;
    const flood = requestFlood(lb(), DOMAIN, "/api/health", 4, "BROKEN");
    const { result, log } = await release("lb-broken", { BROKEN: "after-switch" }, noPreview);
    await flood.stop(500);
    expect(result.ok).toBe(false);
    const t1 = result.hosts.find((h) => h.name === "t1");
    expect(t1?.error).toContain("verification through nginx failed after the switch");
    expect(t1?.error).toMatch(/switched back to (blue|green)/);
    for (const name of ["t2", "t3"]) {
      expect(result.hosts.find((h) => h.name === name)?.error).toContain("t1 failed in the same load-balancer deploy");
    }
    const lines = log.split("\n");
    const back = lines.findIndex((l) => /\[t1\].*switched back to/.test(l));
    const stop = lines.findIndex((l) => /\[t(2|3)\].*start.*undone/.test(l));
    expect(back, log).toBeGreaterThanOrEqual(0);
    expect(stop, log).toBeGreaterThan(back);
    expect(await version()).toBe("lb2");
    // lb1 on blue, lb2 on green: the broken release's blue was stopped on both app hosts, green serves on.
    for (const name of ["t2", "t3"]) expect(await active(name, "green")).toBe(true);
    for (const name of ["t2", "t3"]) expect(await active(name, "blue")).toBe(false);
  });

  it("rollback: every host goes back to lb1, the app hosts' color switched on t1", async () => {
    const result = await rollback({ config, actor: "e2e", drainSeconds: 0, secrets: { SECRET_KEY: "e2e" } });
    expect(result.ok, result.recap).toBe(true);
    expect(result.release).toBe("lb1");
    expect(await version()).toBe("lb1");
  });
});
