/**
 * `rollback --restore-db` under a writer (D66), harvest (runtime systemd, SQLite) on t2: one POST every 100 ms through
 * nginx while v2 is live and the rollback to v1 restores the backup taken before v2. Nothing acknowledged is lost:
 * every write answered 201 is in the restored database or in the pre-restore backup (named after v2's release), no id
 * is handed out twice to two acknowledged writes that both survive, and while the restore runs users get the
 * maintenance page (503 with Retry-After), never nginx's bare 502.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listBackups } from "../../../src/backup/index.js";
import { safeRelease } from "../../../src/backup/naming.js";
import { terminalSink } from "../../../src/cli/deploy-events.js";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { type DeployOptions, deploy, rollback } from "../../../src/deploy/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { cleanHost, connectTarget, viaNginx, writeOverlay } from "../deploy/support.js";
import { REPO_ROOT, sandboxTarget } from "../support/sandbox.js";
import { post, writer } from "./harvest-writer.js";

const APP = "hvrestore";
const DOMAIN = "hvrestore.e2e.test";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const address = () => sandboxTarget("t2").host;

describe("rollback --restore-db under a writer (harvest on t2, D66)", () => {
  let host: RemoteHost;
  let config: SlipwayConfig;
  const lines: string[] = [];
  const base = (): DeployOptions => ({
    config,
    commit: COMMIT,
    actor: "e2e",
    releaseDir: `${REPO_ROOT}/examples/harvest`,
    drainSeconds: 1,
    onEvent: terminalSink((line) => lines.push(line)),
  });
  const crops = async (sql: string, file: string) =>
    (await host.exec(["sqlite3", file, sql], { become: true })).stdout.trim().split("\n").filter(Boolean);

  beforeAll(async () => {
    host = await connectTarget("t2");
    await cleanHost(host, APP);
    const file = writeOverlay("harvest", {
      app: APP,
      domain: DOMAIN,
      target: "t2",
      ports: { backend: 5341, frontend: 8390 },
      healthTimeout: "20s",
    });
    config = await loadConfig(file);
  });

  afterAll(async () => {
    await cleanHost(host, APP);
    await host.close();
  });

  it("loses no acknowledged write, hands out no id twice and shows 503 + Retry-After during the restore", async () => {
    expect((await deploy({ ...base(), versionEnv: { APP_VERSION: "v1" } })).ok).toBe(true);
    for (const crop of ["v1-a", "v1-b"]) expect((await post(address(), DOMAIN, crop)).status).toBe(201);
    expect((await deploy({ ...base(), versionEnv: { APP_VERSION: "v2" } })).ok).toBe(true);
    const history = JSON.parse((await host.readFile(`/opt/${APP}/releases.json`))?.toString() ?? "{}");
    const left: string = history.releases.at(-1).id;

    const load = writer(address, DOMAIN);
    await new Promise((r) => setTimeout(r, 2000)); // writes under v2 (the release being left)
    const started = Date.now();
    const result = await rollback({
      config,
      actor: "e2e",
      drainSeconds: 1,
      restoreDb: true,
      onEvent: terminalSink((l) => lines.push(l)),
    });
    await new Promise((r) => setTimeout(r, 2000)); // writes under v1 on the restored data
    const writes = await load.stop();
    expect(result.ok, lines.join("\n")).toBe(true);

    const db = `/var/lib/${APP}/app.db`;
    const live = new Set(await crops("SELECT crop FROM harvests", db));
    expect(live.has("v1-a") && live.has("v1-b")).toBe(true);
    const backups = await listBackups({ host, become: true, step: "e2e" }, `/opt/${APP}`);
    const pre = backups.find((b) => b.reason === "pre-restore");
    expect(pre?.id.startsWith(`${safeRelease(left)}-`), JSON.stringify(backups)).toBe(true);
    const kept = new Set(await crops("SELECT crop FROM harvests", `/opt/${APP}/backups/${pre?.file}`));

    const acknowledged = writes.filter((w) => w.status === 201);
    const before = acknowledged.filter((w) => w.at < started);
    expect(before.length).toBeGreaterThan(5);
    expect(acknowledged.filter((w) => !live.has(w.crop) && !kept.has(w.crop))).toEqual([]);
    // Only writes made before the page went on (under the release being left) are out of the live database: none
    // the restored release acknowledged. The ids in the live database belong to one acknowledged write each.
    const refused = writes.filter((w) => w.status !== 201);
    expect(refused.length).toBeGreaterThan(0);
    const paged = Math.min(...refused.map((w) => w.at));
    expect(acknowledged.filter((w) => !live.has(w.crop) && w.at > paged)).toEqual([]);
    const surviving = acknowledged.filter((w) => live.has(w.crop));
    expect(new Set(surviving.map((w) => w.id)).size).toBe(surviving.length);
    expect(refused.filter((w) => w.status !== 503 || w.retryAfter === undefined)).toEqual([]);
    expect(JSON.parse((await viaNginx(address(), DOMAIN, "/api/health")).body).version).toBe("v1");
  });
});
