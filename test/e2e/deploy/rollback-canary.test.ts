/**
 * A rollback after a canary (harvest, systemd, sandbox targets t1 and t2): a deploy to both (r1), a canary to t1
 * alone (c1), a deploy to both (r2). The hosts' histories differ, so plain `rollback` takes each host to its own
 * previous release (t1 to c1, t2 to r1), the plan naming each; `--to c1` is refused on both, naming t2 and the way out.
 * Runs as the CLI does: the plan first (DeployOptions.confirm), then the run on the same connections. Then a rollout
 * that reached t1 only is rolled back on t1 alone (t2 stays on its live release). Last, a release that crashes at boot
 * (at the gate's timeout or its crash-loop stop) is named as an exited unit.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { deploy, rollback } from "../../../src/deploy/index.js";
import { formatHostReleases, listReleases } from "../../../src/deploy/releases.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, viaNginx, writeOverlay } from "./support.js";

const APP = "canaryrb";
const DOMAIN = "canaryrb.e2e.test";
const TARGETS = ["t1", "t2"] as const;

describe("rollback after a canary deploy to one host (t1, t2)", () => {
  const hosts: RemoteHost[] = [];
  const lines: string[] = [];
  let config: SlipwayConfig;
  const common = () => ({
    config,
    actor: "e2e",
    secrets: { SECRET_KEY: "e2e" },
    drainSeconds: 0,
    onEvent: terminalSink((line) => lines.push(line)),
  });
  // The canary ships from a tree with uncommitted changes (its commit recorded `<sha>-dirty.<id>`, as deploy.ts does).
  const ship = (releaseId: string, limit?: string[], env: Record<string, string> = {}) =>
    deploy({
      ...common(),
      commit: limit ? `${"0".repeat(40)}-dirty.5f3a2c1d` : "0".repeat(40),
      releaseDir: `${REPO_ROOT}/examples/harvest`,
      releaseId,
      versionEnv: { APP_VERSION: releaseId, ...env },
      ...(limit ? { limit } : {}),
    });
  const version = (t: string) =>
    viaNginx(sandboxTarget(t).host, DOMAIN, "/api/health").then((a) => JSON.parse(a.body).version);

  beforeAll(async () => {
    for (const t of TARGETS) hosts.push(await connectTarget(t));
    await Promise.all(hosts.map((h) => cleanHost(h, APP)));
    const file = writeOverlay("harvest", { app: APP, domain: DOMAIN, target: "t1", ports: {}, healthTimeout: "180s" });
    const yaml = parse(readFileSync(file, "utf8"));
    yaml.inventory.hosts.t2 = { address: sandboxTarget("t2").host };
    yaml.tls = { enabled: false };
    writeFileSync(file, stringify(yaml));
    config = await loadConfig(file);
    for (const [id, limit] of [["r1"], ["c1", ["t1"]], ["r2"]] as const) {
      const result = await ship(id, limit ? [...limit] : undefined);
      expect(result.ok, result.recap).toBe(true);
    }
    expect([await version("t1"), await version("t2")]).toEqual(["r2", "r2"]);
  });

  afterAll(async () => {
    await Promise.all(hosts.map((h) => cleanHost(h, APP)));
    await Promise.all(hosts.map((h) => h.close()));
  });

  it("slipway releases shows the canary as dirty on t1 only", async () => {
    const text = formatHostReleases(await listReleases(config));
    expect(text).toMatch(/^t1: live r2 on \w+$/m);
    const dirty = text.split("\n").filter((l) => l.includes("-dirty."));
    expect(dirty).toHaveLength(1);
    expect(dirty[0]).toMatch(/^ {4}c1 +deployed .* commit 000000000000-dirty\.5f3a2c1d( |$)/);
  });

  it("--to c1 is refused on both hosts, naming t2 and the way out; nothing changes", async () => {
    lines.length = 0;
    const result = await rollback({ ...common(), to: "c1", confirm: async () => true });
    expect(result.ok).toBe(false);
    expect(result.hosts.map((h) => [h.name, h.status])).toEqual([
      ["t1", "skipped"],
      ["t2", "failed"],
    ]);
    const way =
      "roll back the hosts that have it alone (`slipway rollback --to c1 -l t1`), or run `slipway rollback` without --to: each host goes back to its own previous release";
    expect(lines.join("\n")).toContain(`rollback --to c1: refused on every host, t2 cannot go to it; ${way}`);
    expect(result.hosts[1]?.error).toContain("release c1 is not in the host's history");
    expect([await version("t1"), await version("t2")]).toEqual(["r2", "r2"]);
  });

  it("plain rollback takes each host to its own previous release; the plan names each", async () => {
    lines.length = 0;
    let planned = "";
    const result = await rollback({
      ...common(),
      confirm: async (plan) => {
        planned = plan.recap;
        return true;
      },
    });
    expect(result.ok, result.recap).toBe(true);
    const text = lines.join("\n");
    expect(text).toMatch(/\[t1\] plan: rollback c1 to \w+ \(live: r2 on \w+\)/);
    expect(text).toMatch(/\[t2\] plan: rollback r1 to \w+ \(live: r2 on \w+\)/);
    expect(planned).toMatch(/^plan of rollback: ready/);
    expect(planned).toMatch(/t1 +: .*changed release=c1 live=/);
    expect(planned).toMatch(/t2 +: .*changed release=r1 live=/);
    expect(result.release).toBe("");
    expect(result.hosts.map((h) => [h.name, h.status, h.release])).toEqual([
      ["t1", "changed", "c1"],
      ["t2", "changed", "r1"],
    ]);
    expect([await version("t1"), await version("t2")]).toEqual(["c1", "r1"]);
  });

  it("after a deploy that reached t1 only (a rollout stopped part-way), plain rollback takes t1 back and t2 stays", async () => {
    const shipped = await ship("r3", ["t1"]);
    expect(shipped.ok, shipped.recap).toBe(true);
    expect([await version("t1"), await version("t2")]).toEqual(["r3", "r1"]);
    lines.length = 0;
    const result = await rollback({ ...common(), confirm: async () => true });
    expect(result.ok, result.recap).toBe(true);
    // t2's own previous release would be older than r1 (or none): the deploy being undone, r3, never reached it.
    expect(result.hosts.map((h) => [h.name, h.status, h.release])).toEqual([
      ["t1", "changed", "c1"],
      ["t2", "ok", "r1"],
    ]);
    expect(lines.join("\n")).toContain("t2: stays on r1; the release being rolled back (r3) is not live there");
    expect([await version("t1"), await version("t2")]).toEqual(["c1", "r1"]);
  });

  it("a release that exits at boot fails its gate naming the exited unit and its journal, not a slow health path", async () => {
    lines.length = 0;
    // health.timeout 30 s: the gate ends at its timeout after one restart (the exit read beside the journal), or
    // earlier once systemd (RestartSec 5 s) restarted the unit twice (the crash-loop stop): "exited" either way.
    const services = Object.fromEntries(
      Object.entries(config.services).map(([n, svc]) => [n, { ...svc, health: { ...svc.health, timeout: "30s" } }]),
    );
    const saved = config;
    config = { ...config, services } as SlipwayConfig;
    const result = await ship("crash", ["t2"], { BROKEN: "crash" }).finally(() => {
      config = saved;
    });
    expect(result.ok).toBe(false);
    const error = result.hosts[0]?.error ?? "";
    expect(error).toMatch(
      /(did not become healthy at http:\S+: the unit |exits at boot: )canaryrb-\w+@(blue|green)\.service exited \(/,
    );
    expect(error).toMatch(/its last log lines above|its process exits at boot/);
    expect(lines.join("\n")).toContain("built with BROKEN=crash, refusing to start");
    expect(await version("t2")).toBe("r1");
  });
});
