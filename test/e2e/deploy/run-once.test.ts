/**
 * `run_once: true` on a before_switch hook (harvest, systemd, sandbox targets t1 and t2 deployed together): the
 * migration inserts a row into a SQLite table on the host it runs on; across both hosts' databases there is exactly
 * one row per deploy, both hosts switch, and on_rollback/SLIPWAY_* reach the hooks. A failing run-once migration
 * fails (and undoes) the deploy on both hosts, having run once.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, deploy, rollback } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { cleanHost, connectTarget, viaNginx, writeOverlay } from "./support.js";

const APP = "runonce";
const DOMAIN = "runonce.e2e.test";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const DB = `/opt/${APP}/migrations.db`;
const TARGETS = ["t1", "t2"] as const;

/** A migration: one row per run (release, color, previous release, outcome) in the host's migrations.db. */
function migration(sql: string, extra = ""): Record<string, unknown> {
  return {
    module: "command",
    name: "migrate",
    run_once: true,
    argv: [
      "sh",
      "-c",
      `sqlite3 "$1" "CREATE TABLE IF NOT EXISTS runs(release TEXT, color TEXT, previous TEXT, outcome TEXT); ${sql}"${extra}`,
      "sh",
      DB,
    ],
    env: {
      REL: "{{ SLIPWAY_RELEASE }}",
      COL: "{{ SLIPWAY_COLOR }}",
      PREV: "{{ SLIPWAY_PREVIOUS_RELEASE }}",
      OUT: "{{ SLIPWAY_OUTCOME }}",
    },
  };
}

const INSERT = `INSERT INTO runs VALUES('$REL', '$COL', '$PREV', '$OUT');`;

async function twoHostConfig(hooks: Record<string, unknown[]>): Promise<SlipwayConfig> {
  const file = writeOverlay("harvest", { app: APP, domain: DOMAIN, target: "t1", ports: {}, healthTimeout: "12s" });
  const yaml = parse(readFileSync(file, "utf8"));
  yaml.inventory.hosts.t2 = { address: sandboxTarget("t2").host };
  yaml.tls = { enabled: false };
  yaml.hooks = hooks;
  writeFileSync(file, stringify(yaml));
  return loadConfig(file);
}

describe("run_once migration across t1 and t2", () => {
  const hosts: RemoteHost[] = [];
  const lines: string[] = [];
  let config: SlipwayConfig;
  const base = (): DeployOptions => ({
    config,
    commit: COMMIT,
    actor: "e2e",
    releaseDir: `${REPO_ROOT}/examples/harvest`,
    secrets: { SECRET_KEY: "e2e" },
    drainSeconds: 1,
    onEvent: terminalSink((line) => lines.push(line)),
  });
  /** Every row of runs on each host (`release|color|previous|outcome`), t1's first. */
  const rows = async (): Promise<string[][]> =>
    Promise.all(
      hosts.map(async (h) => {
        const r = await h.exec(["sqlite3", DB, "SELECT * FROM runs"], { check: false });
        return r.code === 0 ? r.stdout.split("\n").filter(Boolean) : [];
      }),
    );
  const version = (t: string) =>
    viaNginx(sandboxTarget(t).host, DOMAIN, "/api/health").then((a) => JSON.parse(a.body).version);

  beforeAll(async () => {
    for (const t of TARGETS) hosts.push(await connectTarget(t));
    await Promise.all(hosts.map((h) => cleanHost(h, APP)));
    config = await twoHostConfig({
      before_switch: [migration(INSERT)],
      on_rollback: [
        {
          module: "command",
          name: "note the rollback",
          argv: ["sh", "-c", 'echo "$OUT $REL" > "$1"', "sh", `/opt/${APP}/rolled-back`],
          env: { OUT: "{{ SLIPWAY_OUTCOME }}", REL: "{{ SLIPWAY_RELEASE }}" },
        },
      ],
    });
  });

  afterAll(async () => {
    await Promise.all(hosts.map((h) => cleanHost(h, APP)));
    await Promise.all(hosts.map((h) => h.close()));
  });

  it("runs the migration exactly once for a deploy to both hosts; both switch", async () => {
    const result = await deploy({ ...base(), releaseId: "once-v1", versionEnv: { APP_VERSION: "v1" } });
    expect(result.hosts.map((h) => [h.name, h.status])).toEqual([
      ["t1", "changed"],
      ["t2", "changed"],
    ]);
    expect((await rows()).flat()).toEqual(["once-v1|blue||deploying"]);
    expect(await version("t1")).toBe("v1");
    expect(await version("t2")).toBe("v1");
    // The app's own database exists from its first write on: later deploys back it up on both hosts.
    for (const t of TARGETS) {
      const added = await viaNginx(sandboxTarget(t).host, DOMAIN, "/api/harvests", "POST", '{"crop":"o","kg":1}');
      expect(added.status).toBe(201);
    }
  });

  it("the next deploy adds one row more, with the previous release and the new color", async () => {
    const result = await deploy({ ...base(), releaseId: "once-v2", versionEnv: { APP_VERSION: "v2" } });
    expect(result.ok, `${JSON.stringify(result.hosts)}\n${lines.slice(-40).join("\n")}`).toBe(true);
    const all = (await rows()).flat().sort();
    expect(all).toEqual(["once-v1|blue||deploying", "once-v2|green|once-v1|deploying"]);
  });

  it("a failing run-once migration runs once, fails both hosts and leaves v2 serving on both", async () => {
    const failing = await twoHostConfig({ before_switch: [migration(INSERT, " && exit 3")] });
    const result = await deploy({
      ...base(),
      config: failing,
      releaseId: "once-v3",
      versionEnv: { APP_VERSION: "v3" },
    });
    expect(result.ok).toBe(false);
    expect(result.hosts.map((h) => h.status)).toEqual(["failed", "failed"]);
    const errors = result.hosts.map((h) => h.error ?? "").join("\n");
    expect(errors).toMatch(/hook before_switch: task "migrate"/);
    expect(errors).toMatch(/run_once: failed on t[12]/);
    expect((await rows()).flat().filter((r) => r.startsWith("once-v3"))).toHaveLength(1);
    expect(await version("t1")).toBe("v2");
    expect(await version("t2")).toBe("v2");
  });

  it("on_rollback runs on each host after a rollback, with SLIPWAY_OUTCOME rolled_back", async () => {
    const result = await rollback({
      config,
      actor: "e2e",
      secrets: { SECRET_KEY: "e2e" },
      drainSeconds: 1,
      onEvent: terminalSink((line) => lines.push(line)),
    });
    expect(result.ok).toBe(true);
    for (const h of hosts) {
      const note = (await h.readFile(`/opt/${APP}/rolled-back`))?.toString().trim();
      expect(note).toBe("rolled_back once-v1");
    }
    expect(await version("t1")).toBe("v1");
  });
});
