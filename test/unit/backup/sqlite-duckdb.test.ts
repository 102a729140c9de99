import { describe, expect, it } from "vitest";
import { duckdbBackupRecipe, duckdbRestoreRecipe } from "../../../src/backup/adapters/duckdb.js";
import { sqliteBackupRecipe, sqliteRestoreRecipe, sqlLiteral } from "../../../src/backup/adapters/sqlite.js";
import type { DuckdbSpec } from "../../../src/backup/types.js";

describe("sqlite adapter", () => {
  it("copies online with VACUUM INTO and checks integrity of the copy", () => {
    const recipe = sqliteBackupRecipe("/srv/app/data/app.db", "/srv/app/backups/r-1.sqlite3.part");
    expect(recipe.dump).toEqual([
      { argv: ["test", "-f", "/srv/app/data/app.db"], what: "the database file /srv/app/data/app.db exists" },
      {
        argv: [
          "sqlite3",
          "-bail",
          "-cmd",
          ".timeout 30000",
          "/srv/app/data/app.db",
          "VACUUM INTO '/srv/app/backups/r-1.sqlite3.part';",
        ],
        what: "online copy of /srv/app/data/app.db (VACUUM INTO)",
      },
      { argv: ["chmod", "600", "/srv/app/backups/r-1.sqlite3.part"], what: "make the copy readable by its owner only" },
    ]);
    expect(recipe.verify).toEqual([
      {
        argv: ["sqlite3", "-bail", "-readonly", "/srv/app/backups/r-1.sqlite3.part", "PRAGMA integrity_check;"],
        what: "PRAGMA integrity_check on /srv/app/backups/r-1.sqlite3.part",
        expectStdout: "ok",
      },
    ]);
    expect(recipe.needsWritersStopped).toBe(false);
  });

  it("escapes quotes in SQL literals", () => {
    expect(sqlLiteral("/a/it's.db")).toBe("'/a/it''s.db'");
  });

  it("restores by checking the backup, copying beside the database and renaming over it", () => {
    const recipe = sqliteRestoreRecipe("/d/app.db", "/b/r.sqlite3");
    expect(recipe.restore.map((step) => step.argv)).toEqual([
      ["sqlite3", "-bail", "-readonly", "/b/r.sqlite3", "PRAGMA integrity_check;"],
      ["cp", "--", "/b/r.sqlite3", "/d/app.db.slipway-restore"],
      [
        "sh",
        "-c",
        'if [ -e "$1" ]; then chown --reference="$1" "$2" && chmod --reference="$1" "$2"; fi',
        "sh",
        "/d/app.db",
        "/d/app.db.slipway-restore",
      ],
      ["rm", "-f", "--", "/d/app.db-wal", "/d/app.db-shm", "/d/app.db-journal"],
      ["mv", "-f", "--", "/d/app.db.slipway-restore", "/d/app.db"],
    ]);
    expect(recipe.verify[0]?.argv).toEqual(["sqlite3", "-bail", "-readonly", "/d/app.db", "PRAGMA integrity_check;"]);
  });
});

describe("duckdb adapter", () => {
  const stopFirst: DuckdbSpec = {
    engine: "duckdb",
    location: { kind: "volume", volume: "app_data", path: "app.db" },
    safety: { mode: "stop-first" },
  };

  it("under stop-first copies the file while the app is stopped and compares byte for byte", () => {
    const recipe = duckdbBackupRecipe(stopFirst, "/v/app.db", "/b/r.duckdb.part");
    expect(recipe.needsWritersStopped).toBe(true);
    expect(recipe.dump.map((step) => step.argv)).toEqual([
      ["test", "-f", "/v/app.db"],
      [
        "sh",
        "-c",
        'if [ -e "$1.wal" ]; then echo "$1.wal exists: the app did not shut down cleanly" >&2; exit 1; fi',
        "sh",
        "/v/app.db",
      ],
      ["sh", "-c", 'umask 077; cp -- "$1" "$2"', "sh", "/v/app.db", "/b/r.duckdb.part"],
    ]);
    expect(recipe.verify.map((step) => step.argv)).toEqual([["cmp", "--", "/v/app.db", "/b/r.duckdb.part"]]);
  });

  it("uses the app's export command when it has one (no downtime)", () => {
    const spec: DuckdbSpec = {
      ...stopFirst,
      safety: { mode: "export", export: ["docker", "exec", "api", "python", "-m", "app.export", "{out}"] },
    };
    const recipe = duckdbBackupRecipe(spec, "/v/app.db", "/b/r.export.part");
    expect(recipe.needsWritersStopped).toBe(false);
    expect(recipe.dump[0]?.argv).toEqual(["docker", "exec", "api", "python", "-m", "app.export", "/b/r.export.part"]);
    expect(() => duckdbRestoreRecipe(spec, "/v/app.db", "/b/r.export")).toThrow(/import/);
  });

  it("restores by swapping the file and removing a stale WAL", () => {
    const recipe = duckdbRestoreRecipe(stopFirst, "/v/app.db", "/b/r.duckdb");
    expect(recipe.restore.map((step) => step.argv[0])).toEqual(["cp", "sh", "rm", "mv"]);
    expect(recipe.restore[2]?.argv).toEqual(["rm", "-f", "--", "/v/app.db.wal"]);
    expect(recipe.verify[0]?.argv).toEqual(["cmp", "--", "/b/r.duckdb", "/v/app.db"]);
  });
});
