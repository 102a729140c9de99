/**
 * SQLite on a real target under continuous writes from the running app: the backup passes integrity_check and holds
 * every row committed before it began, while the app keeps writing and serving. Then retention on real files.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBackup, execContext, listBackups, pruneBackups } from "../../../src/backup/index.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import {
  APP_PY,
  connectT2,
  deployDirFor,
  httpGet,
  installUnit,
  makeDeployDir,
  removeDir,
  removeUnit,
  sqlite,
  token,
  unitFile,
  waitForApp,
} from "./support.js";

describe("SQLite backup on t2", () => {
  let host: RemoteHost;
  const id = token();
  const unit = `slipway-backup-e2e-${id}.service`;
  const port = 18_100 + (Number.parseInt(id.slice(0, 4), 16) % 800);
  let dir = "";
  let db = "";

  beforeAll(async () => {
    host = await connectT2();
    // Known before creating it, so afterAll cleans up even when creating it failed half-way.
    dir = deployDirFor(id);
    await makeDeployDir(host, id);
    db = `${dir}/data/app.db`;
    await host.exec(["mkdir", "-p", `${dir}/data`]);
    await host.putFile(`${dir}/app.py`, APP_PY);
    // About 15 MB of rows, so the copy takes long enough for the writer to commit during it.
    await sqlite(
      host,
      db,
      "PRAGMA journal_mode=wal; CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, payload TEXT);" +
        " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) INSERT INTO events(payload) SELECT hex(randomblob(64)) FROM n;",
    );
    await installUnit(host, unit, unitFile(`${dir}/app.py`, [db, String(port), "write"]));
    await host.exec(["systemctl", "start", unit], { become: true });
    await waitForApp(host, port);
  });

  afterAll(async () => {
    if (!host) return;
    await removeUnit(host, unit);
    await removeDir(host, dir);
    await host.close();
  });

  it("backs up while the app writes: integrity ok, every row committed before the backup is in it", async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const committedBefore = Number(await sqlite(host, db, "SELECT max(id) FROM events;"));
    const countBefore = Number(await sqlite(host, db, `SELECT count(*) FROM events WHERE id <= ${committedBefore};`));
    expect(committedBefore).toBeGreaterThan(100_000);

    const manifest = await createBackup({
      host,
      deployDir: dir,
      database: { engine: "sqlite", location: { kind: "file", path: db } },
      release: "r1",
      reason: "deploy",
    });
    const copy = `${dir}/backups/${manifest.file}`;

    // Backups of file databases are written as root (the database belongs to the app's own user), 0600.
    expect(await sqlite(host, copy, "PRAGMA integrity_check;", true)).toBe("ok");
    expect(Number(await sqlite(host, copy, `SELECT count(*) FROM events WHERE id <= ${committedBefore};`, true))).toBe(
      countBefore,
    );
    const copyMax = Number(await sqlite(host, copy, "SELECT max(id) FROM events;", true));
    expect(copyMax).toBeGreaterThanOrEqual(committedBefore);

    // The writer never stopped: the live database has moved on past the copy, and the app still answers.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(Number(await sqlite(host, db, "SELECT max(id) FROM events;"))).toBeGreaterThan(copyMax);
    expect(await httpGet(host, port)).toMatch(/^ok \d+$/);
    expect((await host.exec(["systemctl", "is-active", unit])).stdout.trim()).toBe("active");

    expect(manifest.tool.version).toMatch(/^3\.\d+/);
    const sum = (await host.exec(["sha256sum", copy], { become: true })).stdout.split(" ")[0];
    expect(manifest.sha256).toBe(sum);
    expect((await host.exec(["stat", "-c", "%a", copy])).stdout.trim()).toBe("600");
  });

  it("retention keeps exactly N plus the live and previous releases' backups", async () => {
    const small = `${dir}/data/small.db`;
    const retentionDir = `${dir}/retention`;
    await host.exec(["mkdir", "-p", retentionDir]);
    await sqlite(host, small, "CREATE TABLE t (x); INSERT INTO t VALUES (1);");
    const job = {
      host,
      deployDir: retentionDir,
      database: { engine: "sqlite" as const, location: { kind: "file" as const, path: small } },
      release: "none",
    };
    for (const release of ["previous", "live", "r3", "r4", "r5", "r6"]) {
      await createBackup({ ...job, release }).catch((e) => {
        console.log(e.describe());
        throw e;
      });
    }

    const decision = await pruneBackups(execContext(job), retentionDir, {
      keep: 3,
      protectReleases: ["live", "previous"],
    });
    expect(decision.prune.map((m) => m.release)).toEqual(["r3"]);

    const left = await listBackups(execContext(job), retentionDir);
    expect(left.map((m) => m.release)).toEqual(["r6", "r5", "r4", "live", "previous"]);
    const files = (await host.exec(["ls", `${retentionDir}/backups`])).stdout.trim().split("\n").sort();
    expect(files).toEqual(left.flatMap((m) => [m.file, `${m.id}.json`]).sort());
  });
});
