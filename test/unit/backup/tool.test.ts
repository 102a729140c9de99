/**
 * checkBackupTool asks every client program a backup and a restore run (not only the dump tool) and names all the
 * missing ones with the package to install, once per package.
 */
import { describe, expect, it } from "vitest";
import { BackupError } from "../../../src/backup/errors.js";
import { checkBackupTool } from "../../../src/backup/tool.js";
import type { DatabaseSpec } from "../../../src/backup/types.js";
import { readyToBackUp } from "../../../src/cli/backup.js";
import type { ExecOptions, ExecResult } from "../../../src/remote/types.js";
import { LocalHost } from "./support/local-host.js";

/** A host where only the programs in `installed` answer `--version` (and nothing is run for real). */
class ToolHost extends LocalHost {
  constructor(private readonly installed: readonly string[]) {
    super();
  }
  override exec(argv: readonly string[], _options: ExecOptions = {}): Promise<ExecResult> {
    this.commands.push([...argv]);
    const tool = argv.at(-2) ?? "";
    const ok = this.installed.includes(tool);
    return Promise.resolve({
      code: ok ? 0 : 127,
      signal: null,
      stdout: ok ? `${tool} version 1.0\n` : "",
      stderr: ok ? "" : `sh: ${tool}: not found`,
      durationMs: 0,
    });
  }
}

const mongo: DatabaseSpec = { engine: "mongodb", location: { kind: "server", host: "db.internal" }, database: "cv" };
const postgres: DatabaseSpec = { engine: "postgres", location: { kind: "server", runAs: "postgres" }, database: "p" };

async function failure(host: ToolHost, spec: DatabaseSpec): Promise<BackupError> {
  const error = await checkBackupTool({ host, become: false, step: "preflight" }, spec).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BackupError);
  return error as BackupError;
}

describe("checkBackupTool", () => {
  it("MongoDB reached over the network without its tools: both named, one package", async () => {
    const host = new ToolHost([]);
    const error = await failure(host, mongo);
    expect(error.message).toBe(
      "mongodump and mongorestore are not installed for server db.internal: the backup before the deploy cannot run",
    );
    expect(error.hint).toBe(
      "install mongodb-database-tools (MongoDB's repository; Debian has no package) on the host, or remove `database` from slipway.yml to deploy without backups",
    );
    expect(error.command).toBe("mongodump --version; mongorestore --version");
    expect(host.commands).toEqual([
      ["mongodump", "--version"],
      ["mongorestore", "--version"],
    ]);
  });

  it("the dump tool there but not the restore tool: says what cannot run", async () => {
    const error = await failure(new ToolHost(["pg_dump", "psql"]), postgres);
    expect(error.message).toBe(
      "pg_restore is not installed for server local socket as postgres: the backup's check and a restore cannot run",
    );
    expect(error.hint).toMatch(/^install postgresql-client on the host,/);
  });

  it("every tool there: the dump tool's version, each asked as the database's user", async () => {
    const host = new ToolHost(["pg_dump", "pg_restore", "psql"]);
    expect(await checkBackupTool({ host, become: true, step: "preflight" }, postgres)).toBe("pg_dump version 1.0");
    const sudo = ["sudo", "-n", "-u", "postgres", "--"];
    expect(host.commands).toEqual([
      [...sudo, "pg_dump", "--version"],
      [...sudo, "pg_restore", "--version"],
      [...sudo, "psql", "--version"],
    ]);
  });

  it("`backup create`: nothing deployed yet is said as such; then the tools are asked, named for the backup", async () => {
    const job = { host: new ToolHost([]), deployDir: "/opt/cv", database: mongo, release: "manual" };
    const early = await readyToBackUp({ app: "cv" }, job, null).catch((e: unknown) => e);
    expect((early as Error).message).toBe("nothing deployed yet: cv has no live release on local");
    expect((early as { hint?: string }).hint).toBe(
      "deploy first (`slipway deploy`); each deploy then backs the database up before it changes anything",
    );
    expect(job.host.commands).toEqual([]);
    const error = await readyToBackUp({ app: "cv" }, job, "abc1234-20261201000000").catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "mongodump and mongorestore are not installed for server db.internal: the backup cannot run",
    );
  });
});
