import { describe, expect, it } from "vitest";
import { parsePlaybookText } from "../../../src/engine/parse/playbook.js";
import { identityRedactor, type ModuleContext, type ModuleTask } from "../../../src/engine/types.js";
import { backupModule, specFromArgs } from "../../../src/modules/backup.js";
import { defaultRegistry } from "../../../src/modules/index.js";
import { LocalHost } from "./support/local-host.js";

function args(input: Record<string, unknown>) {
  return backupModule.argsSchema.parse(input);
}

describe("backup module", () => {
  it("maps task args to a database spec", () => {
    expect(specFromArgs(args({ engine: "sqlite", volume: "data", path: "app.db" }))).toEqual({
      engine: "sqlite",
      location: { kind: "volume", volume: "data", path: "app.db" },
    });
    expect(specFromArgs(args({ engine: "postgres", name: "shop", run_as: "postgres", verify_restore: true }))).toEqual({
      engine: "postgres",
      location: { kind: "server", host: undefined, port: undefined, runAs: "postgres" },
      database: "shop",
      user: undefined,
      password: undefined,
      verifyRestore: true,
    });
    expect(specFromArgs(args({ engine: "mysql", name: "shop", compose_service: "db" })).location).toEqual({
      kind: "service",
      compose: { project: undefined, service: "db" },
      runAs: undefined,
    });
  });

  it("refuses DuckDB without a safe way to copy it", () => {
    expect(() => specFromArgs(args({ engine: "duckdb", path: "/d/app.duckdb" }))).toThrow(/one writer/);
  });

  it("in check mode says what it would do and touches nothing (only asks the dump tool's version)", async () => {
    const host = new LocalHost();
    const ctx: ModuleContext = {
      host,
      check: true,
      diff: false,
      become: false,
      facts: undefined,
      vars: {},
      redactor: identityRedactor,
      baseDir: "/",
      step: "back up first",
    };
    const result = await backupModule.run(
      ctx,
      args({ engine: "duckdb", path: "/d/app.duckdb", safety: "stop-first", deploy_dir: "/opt/app" }),
    );
    expect(result.status).toBe("changed");
    expect(result.msg).toBe(
      [
        "back up DuckDB file /d/app.duckdb: DuckDB allows one writer: the app is STOPPED while the file is copied (downtime), checked byte for byte, then started again",
        "into /opt/app/backups/ (needs twice the last backup's size free); keep the newest 10 plus those of the live and previous releases",
        "a failed backup stops the deploy before anything changes",
      ].join("\n"),
    );
    expect(host.commands).toEqual([["cp", "--version"]]);
  });

  it("in check mode refuses a backup whose tool is missing on the host (seed 004: mongodump), naming what to install", async () => {
    class NoMongodump extends LocalHost {
      override exec(argv: readonly string[], options: Parameters<LocalHost["exec"]>[1] = {}) {
        if (argv[0]?.startsWith("mongo")) {
          this.commands.push([...argv]);
          return Promise.resolve({
            code: 127,
            signal: null,
            stdout: "",
            stderr: "sh: mongodump: not found",
            durationMs: 0,
          });
        }
        return super.exec(argv, options);
      }
    }
    const host = new NoMongodump();
    const ctx: ModuleContext = {
      host,
      check: true,
      diff: false,
      become: false,
      facts: undefined,
      vars: {},
      redactor: identityRedactor,
      baseDir: "/",
      step: "back up first",
    };
    const error = await backupModule
      .run(ctx, args({ engine: "mongodb", name: "cv3", deploy_dir: "/opt/app" }))
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "mongodump and mongorestore are not installed for server local socket: the backup cannot run",
    );
    expect((error as { hint?: string }).hint).toMatch(/^install mongodb-database-tools .* on the host/);
    expect(host.commands).toEqual([
      ["mongodump", "--version"],
      ["mongorestore", "--version"],
    ]);
  });
});

describe("backup module: the config's vocabulary (database.name, database.backups.*)", () => {
  const parse = (task: string) =>
    parsePlaybookText(["- hosts: all", "  tasks:", task].join("\n"), "site.yml", { modules: defaultRegistry() });

  it("takes the config's names", () => {
    const playbook = parse(
      "    - backup: { engine: postgres, name: shop, backups: { dir: /srv/bk, keep: 3, copy_to: ./bk } }",
    );
    expect(playbook.warnings).toEqual([]);
    const task = playbook.plays[0]?.tasks[0] as ModuleTask;
    expect(args(task.args as Record<string, unknown>).backups).toEqual({ dir: "/srv/bk", keep: 3, copy_to: "./bk" });
  });

  it("keeps the old names working, each with a warning at its position naming the new one", () => {
    const playbook = parse(
      "    - backup: { engine: postgres, database: shop, backups_dir: /srv/bk, keep: 3, copy_to: ./bk }",
    );
    const task = playbook.plays[0]?.tasks[0] as ModuleTask;
    expect(task.args).toEqual({
      engine: "postgres",
      name: "shop",
      backups: { dir: "/srv/bk", keep: 3, copy_to: "./bk" },
    });
    expect(playbook.warnings).toEqual([
      "site.yml:3:35: tasks[0].backup.database: `database` is deprecated: write `name`",
      "site.yml:3:51: tasks[0].backup.backups_dir: `backups_dir` is deprecated: write `backups.dir`",
      "site.yml:3:73: tasks[0].backup.keep: `keep` is deprecated: write `backups.keep`",
      "site.yml:3:82: tasks[0].backup.copy_to: `copy_to` is deprecated: write `backups.copy_to`",
    ]);
  });

  it("refuses the old and the new name together", () => {
    expect(() => parse("    - backup: { engine: sqlite, path: /d/app.db, keep: 3, backups: { keep: 4 } }")).toThrow(
      "tasks[0].backup.keep: `keep` is the old name of `backups.keep`: set only `backups.keep`",
    );
  });
});
