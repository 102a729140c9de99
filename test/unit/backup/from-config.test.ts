import { describe, expect, it } from "vitest";
import { databaseSpecFromConfig, mongoHosts, parseServerUrl } from "../../../src/backup/from-config.js";
import { describeServerLocation } from "../../../src/backup/location.js";
import type { DatabaseConfig } from "../../../src/config/index.js";

const backups = { keep: 10, verify: true } as DatabaseConfig["backups"];

describe("database spec from slipway.yml", () => {
  it("splits a server URL, keeping the password out of everything but `password`", () => {
    expect(parseServerUrl("postgres://app:p%40ss@db.internal:5433/shop")).toEqual({
      location: { kind: "server", host: "db.internal", port: 5433 },
      user: "app",
      password: "p@ss",
      database: "shop",
    });
  });

  it("a MongoDB URL's server is named in messages (seed 004: not 'local socket'); a replica set's list as written", () => {
    const db = { engine: "mongodb", url_secret: "MONGO_URL", create_dir: true, backups } as DatabaseConfig;
    const env = { MONGO_URL: "mongodb://cv3:pw@mongo.internal.e2e.test:27017/cv3" };
    const spec = databaseSpecFromConfig(db, { app: "cv3", strategy: "blue-green", env });
    expect(spec.location).toEqual({ kind: "server", host: "mongo.internal.e2e.test", port: 27017 });
    expect(spec.location.kind === "server" && describeServerLocation(spec.location)).toBe(
      "server mongo.internal.e2e.test:27017",
    );
    expect(mongoHosts("mongodb://a.db:27017,b.db:27017/cv3?replicaSet=rs0")).toEqual({ host: "a.db:27017,b.db:27017" });
    expect(mongoHosts("mongodb+srv://u:p@cluster0.example.net/cv3")).toEqual({ host: "cluster0.example.net" });
    expect(mongoHosts("not a url")).toEqual({});
  });

  it("carries database.backups.dir into the spec, so every caller (deploy, CLI, module) backs up there", () => {
    const db = {
      engine: "sqlite",
      path: "/srv/shop/data/app.db",
      create_dir: true,
      backups: { ...backups, dir: "/var/backups/shop" },
      restore_on_rollback: false,
    } as DatabaseConfig;
    expect(databaseSpecFromConfig(db, { app: "shop", strategy: "blue-green", env: {} })).toEqual({
      engine: "sqlite",
      location: { kind: "file", path: "/srv/shop/data/app.db" },
      backupsDir: "/var/backups/shop",
    });
    const plain = databaseSpecFromConfig({ ...db, backups }, { app: "shop", strategy: "blue-green", env: {} });
    expect("backupsDir" in plain).toBe(false);
  });

  it("reads the URL and password from the named secrets", () => {
    const db = {
      engine: "postgres",
      url_secret: "DATABASE_URL",
      password_secret: "PGPW",
      create_dir: true,
      backups,
      restore_on_rollback: false,
    } as DatabaseConfig;
    const spec = databaseSpecFromConfig(db, {
      app: "shop",
      strategy: "blue-green",
      env: { DATABASE_URL: "postgres://app@10.0.0.5/shop", PGPW: "s3cret" },
    });
    expect(spec).toEqual({
      engine: "postgres",
      location: { kind: "server", host: "10.0.0.5", port: undefined },
      database: "shop",
      user: "app",
      password: "s3cret",
    });
    expect(() => databaseSpecFromConfig(db, { app: "shop", strategy: "blue-green", env: {} })).toThrow(
      "the database password is read from $PGPW, which is not set",
    );
  });

  it("needs stop-first for DuckDB", () => {
    const db = {
      engine: "duckdb",
      path: "app.db",
      volume: "data",
      create_dir: true,
      backups,
      restore_on_rollback: false,
    } as DatabaseConfig;
    expect(() => databaseSpecFromConfig(db, { app: "a", strategy: "blue-green", env: {} })).toThrow(/one writer/);
    expect(databaseSpecFromConfig(db, { app: "a", strategy: "stop-first", env: {} })).toEqual({
      engine: "duckdb",
      location: { kind: "volume", volume: "data", path: "app.db" },
      safety: { mode: "stop-first" },
    });
  });

  it("finds a compose service's database in the accessories' project (any project when it is not named)", () => {
    const db = {
      engine: "mysql",
      compose_service: "db",
      name: "shop",
      user: "root",
      create_dir: true,
      backups,
      restore_on_rollback: false,
    } as DatabaseConfig;
    const ctx = { app: "shop", strategy: "blue-green" as const, env: {} };
    expect(databaseSpecFromConfig(db, { ...ctx, composeProject: "shop-accessories" })).toEqual({
      engine: "mysql",
      location: { kind: "service", compose: { project: "shop-accessories", service: "db" } },
      database: "shop",
      user: "root",
      password: undefined,
    });
    expect(databaseSpecFromConfig(db, ctx).location).toEqual({
      kind: "service",
      compose: { project: undefined, service: "db" },
    });
  });
});
