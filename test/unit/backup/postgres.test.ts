import { describe, expect, it } from "vitest";
import {
  compareRowCounts,
  parseRowCounts,
  pgpassLine,
  postgresBackupRecipe,
  postgresRestoreRecipe,
  postgresScratchVerify,
} from "../../../src/backup/adapters/postgres.js";
import type { PostgresSpec } from "../../../src/backup/types.js";
import { FROM_FILE, TO_FILE } from "../../../src/commands/stream.js";

const peer: PostgresSpec = { engine: "postgres", location: { kind: "server", runAs: "postgres" }, database: "shop" };
const SUDO = ["sudo", "-n", "-u", "postgres", "--"];

describe("postgres adapter", () => {
  it("dumps with pg_dump -Fc as the postgres user and checks with pg_restore --list", () => {
    const recipe = postgresBackupRecipe(peer, { kind: "server", runAs: "postgres" }, "/b/r.dump.part", "t");
    expect(recipe.secret).toBeUndefined();
    expect(recipe.versionArgv).toEqual([...SUDO, "pg_dump", "--version"]);
    expect(recipe.dump.map((step) => step.argv)).toEqual([
      ["sh", "-c", TO_FILE, "sh", "/b/r.dump.part", ...SUDO, "pg_dump", "-Fc", "--no-password", "-d", "shop"],
    ]);
    expect(recipe.verify.map((step) => step.argv)).toEqual([
      ["sh", "-c", FROM_FILE, "sh", "/b/r.dump.part", ...SUDO, "pg_restore", "--list"],
    ]);
  });

  it("passes a password only through a 0600 PGPASSFILE", () => {
    const spec: PostgresSpec = {
      engine: "postgres",
      location: { kind: "server", host: "db.internal", port: 5433 },
      database: "shop",
      user: "app",
      password: "p:w\\d",
    };
    const recipe = postgresBackupRecipe(
      spec,
      { kind: "server", host: "db.internal", port: 5433 },
      "/b/r.dump.part",
      "k",
    );
    expect(recipe.secret?.content).toBe("*:*:*:*:p\\:w\\\\d\n");
    expect(recipe.dump[0]?.argv).toEqual([
      ...["sh", "-c", TO_FILE, "sh", "/b/r.dump.part", "env", "PGPASSFILE=/tmp/slipway-pgpass-k", "pg_dump", "-Fc"],
      ...["--no-password", "-h", "db.internal", "-p", "5433", "-U", "app", "-d", "shop"],
    ]);
    expect(pgpassLine("plain")).toBe("*:*:*:*:plain\n");
  });

  it("asks the server for the database's size (the free-space reference of a first backup)", () => {
    const recipe = postgresBackupRecipe(peer, { kind: "server", runAs: "postgres" }, "/b/r.dump.part", "t");
    expect(recipe.size).toEqual({
      argv: [
        ...SUDO,
        "psql",
        "-X",
        "-A",
        "-t",
        "-v",
        "ON_ERROR_STOP=1",
        "--no-password",
        "-d",
        "shop",
        "-c",
        "SELECT pg_database_size(current_database())",
      ],
      what: "size of the database shop",
      expectStdout: /^\d+$/,
    });
  });

  it("verifies in a scratch database and compares row counts", () => {
    const plan = postgresScratchVerify(peer, { kind: "server", runAs: "postgres" }, "/b/r.dump.part", "ab12");
    expect(plan.scratch).toBe("slipway_verify_ab12");
    expect(plan.create.argv).toEqual([...SUDO, "createdb", "--no-password", "slipway_verify_ab12"]);
    expect(plan.restore.argv).toEqual([
      ...["sh", "-c", FROM_FILE, "sh", "/b/r.dump.part", ...SUDO, "pg_restore", "--no-owner", "--no-acl"],
      ...["--exit-on-error", "--no-password", "-d", "slipway_verify_ab12"],
    ]);
    expect(plan.countScratch.argv.slice(0, 15)).toEqual([
      ...SUDO,
      "psql",
      "-X",
      "-A",
      "-t",
      "-v",
      "ON_ERROR_STOP=1",
      "--no-password",
      "-d",
      "slipway_verify_ab12",
      "-c",
    ]);
    expect(plan.drop.argv).toEqual([...SUDO, "dropdb", "--if-exists", "--no-password", "slipway_verify_ab12"]);
  });

  it("parses and compares row counts", () => {
    const source = parseRowCounts("public.a=3\npublic.b=0\n");
    expect([...source]).toEqual([
      ["public.a", 3],
      ["public.b", 0],
    ]);
    expect(compareRowCounts(source, parseRowCounts("public.a=3\npublic.b=0"))).toEqual([]);
    expect(compareRowCounts(source, parseRowCounts("public.a=2"))).toEqual([
      "public.a: 3 in the database, 2 in the restored copy",
      "public.b: 0 in the database, missing in the restored copy",
    ]);
  });

  it("restores with --clean in one transaction, then checks the database answers", () => {
    const recipe = postgresRestoreRecipe(peer, { kind: "server", runAs: "postgres" }, "/b/r.dump", "t");
    expect(recipe.restore[0]?.argv).toEqual([
      ...["sh", "-c", FROM_FILE, "sh", "/b/r.dump", ...SUDO, "pg_restore", "--clean", "--if-exists"],
      ...["--single-transaction", "--exit-on-error", "--no-password", "-d", "shop"],
    ]);
    expect(recipe.verify[0]?.expectStdout).toBe("1");
  });
});
