import { describe, expect, it } from "vitest";
import { mysqlBackupRecipe, mysqlRestoreRecipe, optionFileValue } from "../../../src/backup/adapters/mysql.js";
import type { MysqlSpec } from "../../../src/backup/types.js";
import { PIPE } from "../../../src/commands/stream.js";

const PART = "/srv/app/backups/r1-20260102T030405678Z.sql.gz.part";
const STATUS = `${PART}.status`;

describe("mysql adapter", () => {
  it("dumps through a 0600 defaults-extra-file, never the password in argv", () => {
    const spec: MysqlSpec = {
      engine: "mysql",
      location: { kind: "server", host: "127.0.0.1", port: 3306 },
      database: "shop",
      user: "app",
      password: `p"a\\ss word`,
    };
    const recipe = mysqlBackupRecipe(spec, { kind: "server", host: "127.0.0.1", port: 3306 }, PART, "abc123");
    expect(recipe.secret).toEqual({
      path: "/tmp/slipway-my-abc123.cnf",
      content: '[client]\npassword="p\\"a\\\\ss word"\n',
      writeArgv: ["sh", "-c", 'umask 077; set -C; cat > "$1"', "sh", "/tmp/slipway-my-abc123.cnf"],
      removeArgv: ["rm", "-f", "--", "/tmp/slipway-my-abc123.cnf"],
    });
    expect(recipe.ext).toBe("sql.gz");
    expect(recipe.versionArgv).toEqual(["mysqldump", "--version"]);
    expect(recipe.dump).toEqual([
      {
        argv: [
          ...["sh", "-c", PIPE, "sh", STATUS, "", PART, "15", "mysqldump"],
          ...["--defaults-extra-file=/tmp/slipway-my-abc123.cnf", "-h", "127.0.0.1", "-P", "3306", "-u", "app"],
          ...["--single-transaction", "--quick", "--routines", "--triggers", "--hex-blob", "--no-tablespaces", "shop"],
          ...["gzip", "-c"],
        ],
        what: "mysqldump --single-transaction --quick shop | gzip",
      },
    ]);
    expect(JSON.stringify(recipe.dump)).not.toContain("ss word");
    expect(recipe.verify[0]).toEqual({ argv: ["gzip", "-t", PART], what: "gzip -t: the archive is complete" });
    expect(recipe.verify[1]?.expectStdout).toEqual(/^-- Dump completed/);
    // The free-space reference of a first backup: the schema's data and indexes, asked with the same option file.
    expect(recipe.size).toEqual({
      argv: [
        "mysql",
        "--defaults-extra-file=/tmp/slipway-my-abc123.cnf",
        "-h",
        "127.0.0.1",
        "-P",
        "3306",
        "-u",
        "app",
        "-N",
        "-B",
        "-e",
        "SELECT CAST(COALESCE(SUM(data_length + index_length), 0) AS UNSIGNED) FROM information_schema.tables WHERE table_schema = DATABASE()",
        "shop",
      ],
      what: "size of the database shop",
      expectStdout: /^\d+$/,
    });
  });

  it("runs inside the database container with docker exec", () => {
    const spec: MysqlSpec = {
      engine: "mysql",
      location: { kind: "service", container: "db" },
      database: "shop",
      user: "root",
    };
    const recipe = mysqlBackupRecipe(spec, { kind: "container", container: "db" }, PART, "t");
    expect(recipe.secret).toBeUndefined();
    expect(recipe.dump[0]?.argv).toEqual([
      ...["sh", "-c", PIPE, "sh", STATUS, "", PART, "14", "docker", "exec", "-i", "db", "mysqldump", "-u", "root"],
      ...["--single-transaction", "--quick", "--routines", "--triggers", "--hex-blob", "--no-tablespaces", "shop"],
      ...["gzip", "-c"],
    ]);
  });

  it("restores through gunzip into mysql and checks the server answers", () => {
    const spec: MysqlSpec = {
      engine: "mysql",
      location: { kind: "server", runAs: "root" },
      database: "shop",
      password: "x",
    };
    const recipe = mysqlRestoreRecipe(spec, { kind: "server", runAs: "root" }, "/b/r1.sql.gz", "t9");
    const status = "/b/r1.sql.gz.restore-status";
    expect(recipe.restore[0]?.argv).toEqual([
      ...["sh", "-c", PIPE, "sh", status, "/b/r1.sql.gz", "", "2", "gzip", "-dc"],
      ...["sudo", "-n", "-u", "root", "--", "mysql", "--defaults-extra-file=/tmp/slipway-my-t9.cnf", "shop"],
    ]);
    expect(recipe.verify).toEqual([
      {
        argv: [
          "sudo",
          "-n",
          "-u",
          "root",
          "--",
          "mysql",
          "--defaults-extra-file=/tmp/slipway-my-t9.cnf",
          "-N",
          "-B",
          "-e",
          "SELECT 1",
          "shop",
        ],
        what: "shop answers",
        expectStdout: "1",
      },
    ]);
    expect(recipe.secret?.writeArgv).toEqual([
      "sudo",
      "-n",
      "-u",
      "root",
      "--",
      "sh",
      "-c",
      'umask 077; set -C; cat > "$1"',
      "sh",
      "/tmp/slipway-my-t9.cnf",
    ]);
  });

  it("refuses a password with a line break (it would end the option)", () => {
    expect(() => optionFileValue("a\nb")).toThrow(/line break/);
  });
});
