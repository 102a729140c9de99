import { describe, expect, it } from "vitest";
import { mongoBackupRecipe, mongoConfigContent, mongoRestoreRecipe } from "../../../src/backup/adapters/mongodb.js";
import type { MongodbSpec } from "../../../src/backup/types.js";
import { FROM_FILE, TO_FILE } from "../../../src/commands/stream.js";

describe("mongodb adapter (unit-tested only: no MongoDB in the sandbox)", () => {
  const spec: MongodbSpec = {
    engine: "mongodb",
    location: { kind: "service", compose: { project: "cv3", service: "mongo" } },
    uri: "mongodb://admin:s3cr'et@localhost:27017/?authSource=admin",
    database: "cv3",
  };

  it("puts the connection string in a 0600 YAML config file", () => {
    expect(mongoConfigContent(spec)).toBe('uri: "mongodb://admin:s3cr\'et@localhost:27017/?authSource=admin"\n');
    expect(mongoConfigContent({ engine: "mongodb", location: { kind: "server" }, password: 'a"b' })).toBe(
      'password: "a\\"b"\n',
    );
  });

  it("dumps with mongodump --archive --gzip inside the container", () => {
    const recipe = mongoBackupRecipe(spec, { kind: "container", container: "f00d" }, "/b/x.archive.gz.part", "t1");
    expect(recipe.ext).toBe("archive.gz");
    expect(recipe.secret?.path).toBe("/tmp/slipway-mongo-t1.yaml");
    expect(recipe.secret?.writeArgv).toEqual([
      "docker",
      "exec",
      "-i",
      "f00d",
      "sh",
      "-c",
      'umask 077; set -C; cat > "$1"',
      "sh",
      "/tmp/slipway-mongo-t1.yaml",
    ]);
    expect(recipe.dump).toEqual([
      {
        argv: [
          ...["sh", "-c", TO_FILE, "sh", "/b/x.archive.gz.part", "docker", "exec", "-i", "f00d", "mongodump"],
          ...["--config=/tmp/slipway-mongo-t1.yaml", "--db=cv3", "--archive", "--gzip"],
        ],
        what: "mongodump --archive --gzip",
      },
    ]);
    expect(recipe.verify).toEqual([
      {
        argv: [
          ...["sh", "-c", FROM_FILE, "sh", "/b/x.archive.gz.part", "docker", "exec", "-i", "f00d", "mongorestore"],
          ...["--config=/tmp/slipway-mongo-t1.yaml", "--db=cv3", "--archive", "--gzip", "--dryRun"],
        ],
        what: "mongorestore --dryRun reads the archive",
      },
    ]);
    expect(JSON.stringify([recipe.dump, recipe.verify])).not.toContain("s3cr");
  });

  it("restores with mongorestore --drop from the archive", () => {
    const recipe = mongoRestoreRecipe(
      { engine: "mongodb", location: { kind: "server" } },
      { kind: "server" },
      "/b/x.archive.gz",
      "t2",
    );
    expect(recipe.secret).toBeUndefined();
    expect(recipe.restore[0]?.argv).toEqual([
      ...["sh", "-c", FROM_FILE, "sh", "/b/x.archive.gz", "mongorestore", "--archive", "--gzip", "--drop"],
    ]);
  });
});
