/**
 * D72 on t8: harvest (runtime systemd, SQLite) with 50 rows live, then a release whose start corrupts the database
 * (deletes the even rows, renames the rest) and whose data routes answer 500, so the preview refuses it before the
 * switch. With `database.restore_on_rollback` the deploy restores its pre-deploy backup (every row back, the page off
 * again); without it the live release is left on the corrupted data and the failure names the backup and the exact
 * command, which brings every row back.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, deploy } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { runCli } from "../deploy/fault-support.js";
import { cleanHost, connectTarget, viaNginx, writeOverlay } from "../deploy/support.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";

const APP = "hvcorrupt";
const DOMAIN = "hvcorrupt.e2e.test";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const BLUE_BACKEND = 5361;
const address = () => sandboxTarget("t8").host;

/** The broken release: the tester's `corrupt-fail` (D72), as a migration at start would do it. */
const CORRUPT_AT_START = `

if os.environ.get("CORRUPT_AT_START") == "1":
    _c = harvest_db.connect()
    with _c:
        _c.execute("DELETE FROM harvests WHERE id % 2 = 0")
        _c.execute("UPDATE harvests SET crop = 'corrupted'")
    _c.close()
`;

/** A copy of examples/harvest whose backend corrupts the database at start when CORRUPT_AT_START=1. */
function corruptingRelease(): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-d72-"));
  cpSync(join(REPO_ROOT, "examples/harvest"), dir, { recursive: true });
  const be = join(dir, "backend/harvest_be.py");
  writeFileSync(be, readFileSync(be, "utf8") + CORRUPT_AT_START);
  return dir;
}

describe("a release that corrupts the database at start and fails the preview (harvest on t8, D72)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  let file: string;
  let broken: string;
  const lines: string[] = [];
  const options = (cfg: SlipwayConfig, releaseDir: string, env: Record<string, string>): DeployOptions => ({
    config: cfg,
    commit: COMMIT,
    actor: "e2e",
    releaseDir,
    drainSeconds: 1,
    versionEnv: env,
    onEvent: terminalSink((line) => lines.push(line)),
  });
  const good = (cfg: SlipwayConfig, version: string) =>
    options(cfg, `${REPO_ROOT}/examples/harvest`, { APP_VERSION: version });
  const corrupt = (cfg: SlipwayConfig) =>
    options(cfg, broken, { APP_VERSION: "bad", BROKEN: "after-switch", CORRUPT_AT_START: "1" });
  const careful = (): SlipwayConfig => {
    const database = config.database as NonNullable<SlipwayConfig["database"]>;
    return { ...config, database: { ...database, restore_on_rollback: true } };
  };
  const harvests = async () => {
    const answer = await viaNginx(address(), DOMAIN, "/api/harvests");
    expect(answer.status, `${answer.body}\n${lines.join("\n")}`).toBe(200);
    return (JSON.parse(answer.body).harvests as Array<{ crop: string }>).map((h) => h.crop);
  };

  /** A fresh v1 with 50 rows written through the backend (one round trip). */
  async function fiftyRows(): Promise<void> {
    await cleanHost(host, APP);
    expect((await deploy(good(config, "v1"))).ok, lines.join("\n")).toBe(true);
    const post = `curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"crop":"c'$i'","kg":1}' http://127.0.0.1:${BLUE_BACKEND}/api/harvests`;
    await host.exec(["sh", "-c", `for i in $(seq 1 50); do ${post} || exit 1; done`]);
    expect(await harvests()).toHaveLength(50);
  }

  beforeAll(async () => {
    host = await connectTarget("t8");
    file = writeOverlay("harvest", {
      app: APP,
      domain: DOMAIN,
      target: "t8",
      ports: { backend: BLUE_BACKEND, frontend: 8410 },
      healthTimeout: "20s",
    });
    config = await loadConfig(file);
    broken = corruptingRelease();
  });

  afterAll(async () => {
    await cleanHost(host, APP);
    await host.close();
  });

  it("restore_on_rollback: the plan says so, the preview fails, every row is back and the page off", async () => {
    await fiftyRows();
    lines.length = 0;
    await deploy({ ...corrupt(careful()), check: true });
    expect(lines.join("\n")).toContain(
      "on a failure once green has started (gate, preview, before_switch or after the switch): restore that backup (database.restore_on_rollback), hvcorrupt-backend@blue.service, hvcorrupt-frontend@blue.service stopped meanwhile behind the maintenance page; the writes since the backup are lost",
    );
    lines.length = 0;
    const result = await deploy(corrupt(careful()));
    expect(result.ok).toBe(false);
    const error = result.hosts[0]?.error ?? "";
    expect(error).toContain("preview");
    expect(error).toMatch(
      /restored the database from backup \S+ \(taken before this deploy\): writes made since \S+Z are lost \(the data before the restore is backup \S+\)/,
    );
    expect(error).not.toContain("untouched");
    const paging = lines.filter((l) => /maintenance (page|was)/.test(l)).map((l) => l.replace(/^\[t8\] /, ""));
    expect(paging).toEqual(["maintenance page on for the restore", "maintenance page off"]);
    const crops = await harvests();
    expect(crops).toHaveLength(50);
    expect(crops.filter((c) => c === "corrupted")).toEqual([]);
    expect((await viaNginx(address(), DOMAIN, "/")).status).toBe(200);
  });

  it("without it: the plan and the failure name the backup; the printed command brings every row back", async () => {
    await fiftyRows();
    lines.length = 0;
    await deploy({ ...corrupt(config), check: true });
    expect(lines.join("\n")).toContain(
      "on a failure once green has started: the database stays as green left it (it runs against the live database; database.restore_on_rollback is off); the failure names the backup to restore",
    );
    const result = await deploy(corrupt(config));
    expect(result.ok).toBe(false);
    const error = result.hosts[0]?.error ?? "";
    const named = error.match(
      /the new release ran against the live database from \S+Z; if it changes data at start, restore the pre-deploy backup: slipway backup restore (\S+) --host t8/,
    );
    expect(named, error).not.toBeNull();
    expect(error).not.toContain("untouched");
    const crops = await harvests();
    expect(crops).toHaveLength(25);
    expect(crops.every((c) => c === "corrupted")).toBe(true);

    const restore = await runCli(["backup", "restore", named?.[1] as string, "--host", "t8", "-c", file, "--yes"]);
    expect(restore.code, restore.output).toBe(0);
    // `backup restore` starts the writers again without waiting for them: the first answers may be 502.
    for (let i = 0; i < 60 && (await viaNginx(address(), DOMAIN, "/api/harvests")).status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(await harvests()).toHaveLength(50);
  });
});
