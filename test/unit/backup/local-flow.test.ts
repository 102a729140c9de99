/** The whole create/list/restore/prune flow against local files, through a RemoteHost that runs argv locally. */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { BackupJob } from "../../../src/backup/create.js";
import {
  BackupError,
  copyToRunner,
  createBackup,
  execContext,
  jobBackupDir,
  listBackups,
  pruneBackups,
  restoreBackup,
} from "../../../src/backup/index.js";
import { LocalHost } from "./support/local-host.js";

function sql(db: string, statement: string): string {
  return execFileSync("sqlite3", [db, statement], { encoding: "utf8" }).trim();
}

function setup() {
  const deployDir = mkdtempSync(path.join(tmpdir(), "slipway-backup-"));
  const db = path.join(deployDir, "app.db");
  sql(
    db,
    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price INTEGER); INSERT INTO items (name, price) VALUES ('a', 1), ('b', 2);",
  );
  const host = new LocalHost();
  const marker = path.join(deployDir, "events.log");
  const job: BackupJob = {
    host,
    deployDir,
    database: { engine: "sqlite", location: { kind: "file", path: db } },
    release: "r1",
    writers: {
      stop: [["sh", "-c", `echo stop >> ${marker}`]],
      start: [["sh", "-c", `echo start >> ${marker}`]],
    },
  };
  return { deployDir, db, host, job, marker };
}

describe("backup flow on local files", () => {
  it("backs up SQLite, records a manifest, and restores after a destructive migration", async () => {
    const { deployDir, db, job, marker } = setup();
    const manifest = await createBackup({ ...job, reason: "deploy" });
    expect(manifest.release).toBe("r1");
    expect(manifest.file).toBe(`${manifest.id}.sqlite3`);
    expect(manifest.tool.name).toBe("sqlite3");
    expect(manifest.verified).toEqual([`PRAGMA integrity_check on ${deployDir}/backups/${manifest.id}.sqlite3.part`]);
    const file = path.join(deployDir, "backups", manifest.file);
    expect(manifest.sha256).toBe(execFileSync("sha256sum", [file], { encoding: "utf8" }).split(" ")[0]);
    expect(existsSync(`${file}.part`)).toBe(false);

    sql(db, "ALTER TABLE items DROP COLUMN price; INSERT INTO items (name) VALUES ('c');");
    const result = await restoreBackup({ ...job, release: "r2", id: manifest.id });
    expect(sql(db, "SELECT id, name, price FROM items ORDER BY id")).toBe("1|a|1\n2|b|2");
    expect(result.preRestore.reason).toBe("pre-restore");
    expect(readFileSync(marker, "utf8")).toBe("stop\nstart\n");

    const preRestoreCopy = path.join(deployDir, "backups", result.preRestore.file);
    expect(sql(preRestoreCopy, "SELECT group_concat(name) FROM items")).toBe("a,b,c");

    const local = await copyToRunner(execContext(job), deployDir, manifest, path.join(deployDir, "runner"));
    expect(readFileSync(local).equals(readFileSync(file))).toBe(true);
  });

  it("keeps N plus the protected releases when pruning", async () => {
    const { job } = setup();
    let minute = 0;
    for (const release of ["old1", "old2", "live", "n1", "n2", "n3"]) {
      await createBackup({ ...job, release, now: () => new Date(Date.UTC(2026, 0, 1, 0, minute++)) });
    }
    const decision = await pruneBackups(execContext(job), job.deployDir, {
      keep: 2,
      protectReleases: ["live", "old2"],
    });
    expect(decision.prune.map((m) => m.release)).toEqual(["n1", "old1"]);
    const left = await listBackups(execContext(job), job.deployDir);
    expect(left.map((m) => m.release)).toEqual(["n3", "n2", "live", "old2"]);
  });

  it("honours database.backups.dir: create, list, restore and prune there, nothing in <deploy dir>/backups", async () => {
    const { deployDir, db, job } = setup();
    const elsewhere = path.join(deployDir, "elsewhere", "backups");
    const stored: BackupJob = { ...job, database: { ...job.database, backupsDir: elsewhere } };
    expect(jobBackupDir(stored)).toBe(elsewhere);
    const first = await createBackup({ ...stored, now: () => new Date(Date.UTC(2026, 0, 1)) });
    await createBackup({ ...stored, release: "r2", now: () => new Date(Date.UTC(2026, 0, 2)) });
    expect(existsSync(path.join(elsewhere, first.file))).toBe(true);
    expect(existsSync(path.join(deployDir, "backups"))).toBe(false);
    expect((await listBackups(execContext(stored), deployDir, elsewhere)).map((m) => m.release)).toEqual(["r2", "r1"]);

    sql(db, "DELETE FROM items;");
    const result = await restoreBackup({ ...stored, id: first.id });
    expect(sql(db, "SELECT count(*) FROM items")).toBe("2");
    expect(existsSync(path.join(elsewhere, result.preRestore.file))).toBe(true);

    const decision = await pruneBackups(execContext(stored), deployDir, { keep: 1, backupsDir: elsewhere });
    expect(decision.prune).toHaveLength(2);
    expect(existsSync(path.join(elsewhere, first.file))).toBe(false);
    expect(existsSync(path.join(deployDir, "backups"))).toBe(false);
  });

  it("stops DuckDB's writers for the copy and starts them again", async () => {
    const { deployDir, job, marker } = setup();
    const duck = path.join(deployDir, "app.duckdb");
    writeFileSync(duck, "pretend duckdb file");
    const manifest = await createBackup({
      ...job,
      database: { engine: "duckdb", location: { kind: "file", path: duck }, safety: { mode: "stop-first" } },
    });
    expect(readFileSync(marker, "utf8")).toBe("stop\nstart\n");
    expect(manifest.verified).toEqual(["the copy equals the stopped database byte for byte"]);
  });

  it("a refused stop says the app keeps running, and starts again what an earlier stop stopped (D48)", async () => {
    const { deployDir, job, marker } = setup();
    const duck = path.join(deployDir, "app.duckdb");
    writeFileSync(duck, "pretend duckdb file");
    const database = {
      engine: "duckdb",
      location: { kind: "file", path: duck },
      safety: { mode: "stop-first" },
    } as const;
    const refuse = ["sh", "-c", "echo 'slipway-docker: usage' >&2; exit 64"];
    const first = await createBackup({
      ...job,
      database,
      writers: { stop: [refuse], start: job.writers?.start ?? [] },
    }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(BackupError);
    expect((first as BackupError).message).toBe("stop the app for the copy: failed");
    expect((first as BackupError).hint).toBe(
      "nothing was stopped, so the app keeps running and nothing was backed up or restored; fix the cause shown above and run the command again",
    );
    expect(existsSync(marker)).toBe(false);
    const taken = await createBackup({ ...job, database });
    const second = await restoreBackup({
      ...job,
      database,
      id: taken.id,
      writers: { stop: [...(job.writers?.stop ?? []), refuse], start: job.writers?.start ?? [] },
    }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(BackupError);
    expect((second as BackupError).hint).toMatch(/^the writers stopped before it were started again, so the app keeps/);
    // The backup's stop and start, then the restore's first stop and its start again after the refused second one.
    expect(readFileSync(marker, "utf8")).toBe("stop\nstart\nstop\nstart\n");
  });

  it("fails closed and leaves no partial file when the database is missing", async () => {
    const { deployDir, job } = setup();
    const error = await createBackup({
      ...job,
      database: { engine: "sqlite", location: { kind: "file", path: "/nonexistent/app.db" } },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(BackupError);
    expect(error.message).toBe("the database file /nonexistent/app.db exists: failed");
    expect(execFileSync("ls", ["-A", path.join(deployDir, "backups")], { encoding: "utf8" })).toBe("");
  });

  it("a disk that fills up during the copy: the error names the directory and what to do, no partial file stays", async () => {
    const { deployDir, job, host } = setup();
    // The free-space check passed; the copy itself hits ENOSPC after writing part of the file (as on a full tmpfs).
    const exec = host.exec.bind(host);
    host.exec = async (argv, options) => {
      const vacuum = argv.find((a) => a.startsWith("VACUUM INTO"));
      if (!vacuum) return exec(argv, options);
      const part = vacuum.slice("VACUUM INTO '".length, -2);
      writeFileSync(part, "half a database");
      writeFileSync(`${part}-journal`, "its rollback journal");
      return {
        code: 1,
        signal: null,
        stdout: "",
        stderr: "Error: stepping, database or disk is full (13)",
        durationMs: 1,
      };
    };
    const error = await createBackup(job).catch((e) => e);
    const dir = path.join(deployDir, "backups");
    expect(error).toBeInstanceOf(BackupError);
    expect(error.message).toBe(
      `the backup directory ${dir} ran out of space during the backup (online copy of ${deployDir}/app.db (VACUUM INTO): failed)`,
    );
    expect(error.step).toBe("backup");
    expect(error.host).toBe("local");
    expect(error.hint).toBe(
      `free space in ${dir} (slipway backup prune, or a bigger disk) or point database.backups.dir at a disk with room, then deploy again; the partial copy was removed and nothing was changed`,
    );
    expect(execFileSync("ls", ["-A", dir], { encoding: "utf8" })).toBe("");
  });

  it("refuses DuckDB without a way to stop the app", async () => {
    const { job } = setup();
    const error = await createBackup({
      ...job,
      writers: undefined,
      database: { engine: "duckdb", location: { kind: "file", path: "/x.duckdb" }, safety: { mode: "stop-first" } },
    }).catch((e) => e);
    expect(error.message).toMatch(/only be copied while the app is stopped/);
  });
});
