/**
 * Seed 004 (MongoDB beside the app) on a host without MongoDB's tools: the plan must say that mongodump is missing
 * instead of promising a backup. On t2, which has none: refused with the tool, the place and what to install; the
 * Postgres tools that t2 has (run as the database's owner) pass.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BackupError } from "../../../src/backup/errors.js";
import { checkBackupTool } from "../../../src/backup/tool.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { connectT2 } from "./support.js";

describe("the dump tool is checked where the dump would run (t2)", () => {
  let host: RemoteHost;

  beforeAll(async () => {
    host = await connectT2();
  });

  afterAll(async () => {
    await host?.close();
  });

  it("mongodump and mongorestore missing: a BackupError naming them and what to install", async () => {
    const ctx = { host, become: false, step: "preflight" };
    const spec = { engine: "mongodb" as const, location: { kind: "server" as const }, database: "cv3" };
    const error = await checkBackupTool(ctx, spec).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackupError);
    expect((error as BackupError).message).toBe(
      "mongodump and mongorestore are not installed for server local socket: the backup before the deploy cannot run",
    );
    expect((error as BackupError).hint).toContain("install mongodb-database-tools");
    expect((error as BackupError).host).toBe("t2");
  });

  it("pg_dump as the database's owner: its version", async () => {
    const ctx = { host, become: true, step: "preflight" };
    const spec = {
      engine: "postgres" as const,
      location: { kind: "server" as const, runAs: "postgres" },
      database: "postgres",
    };
    expect(await checkBackupTool(ctx, spec)).toMatch(/^pg_dump \(PostgreSQL\) \d+/);
  });
});
