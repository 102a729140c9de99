/**
 * From slipway.yml's `database:` (and the secrets it names) to a DatabaseSpec. A server reached by URL is split into
 * host, port, user and database; its password only ever goes into the spec's `password` (a 0600 file on the host).
 */
import type { DatabaseConfig } from "../config/index.js";
import { BackupError } from "./errors.js";
import type { DatabaseSpec, ServerLocation } from "./types.js";

export interface ConfigContext {
  app: string;
  strategy: "blue-green" | "stop-first";
  /** Environment variables (secrets resolved by the config layer). */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Compose project running `database.compose_service` (`<app>-accessories`, or the live color's: deploy/backup-step.ts
   * databaseSpec); unset: found in any project (root mode only: helper mode's docker gate lists one project at a time).
   */
  composeProject?: string;
}

function secret(env: ConfigContext["env"], name: string | undefined, what: string): string | undefined {
  if (name === undefined) return undefined;
  const value = env[name];
  if (value === undefined) {
    throw new BackupError(`the ${what} is read from $${name}, which is not set`, {
      hint: `export ${name}=... (or set it as a secret in Actions)`,
    });
  }
  return value;
}

interface ServerParts {
  location: ServerLocation;
  user?: string;
  password?: string;
  database?: string;
}

/** postgres://user:pass@host:5432/db or mysql://... ; absent parts stay undefined. */
export function parseServerUrl(url: string): ServerParts {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BackupError("the database URL is not a valid URL", {
      hint: "expected e.g. postgres://user:password@host:5432/name",
    });
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, "")) || undefined;
  return {
    location: {
      kind: "server",
      host: parsed.hostname || undefined,
      port: parsed.port ? Number(parsed.port) : undefined,
    },
    user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database,
  };
}

/**
 * The server part of a MongoDB connection string, for messages only (mongodump reads the URI itself): one host, with
 * its port, or a replica set's list (`a:27017,b:27017`) as written; `mongodb+srv://` names a DNS record. The URL
 * class cannot parse a host list, so this is a pattern; no match: nothing (a local server).
 */
export function mongoHosts(url: string): { host?: string; port?: number } {
  const hosts = /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(url)?.[1];
  if (!hosts) return {};
  const single = /^([^:,]+):(\d+)$/.exec(hosts);
  return single ? { host: single[1], port: Number(single[2]) } : { host: hosts };
}

export function databaseSpecFromConfig(db: DatabaseConfig, ctx: ConfigContext): DatabaseSpec {
  const spec = specWithoutStorage(db, ctx);
  return db.backups.dir ? { ...spec, backupsDir: db.backups.dir } : spec;
}

function specWithoutStorage(db: DatabaseConfig, ctx: ConfigContext): DatabaseSpec {
  const password = secret(ctx.env, db.password_secret, "database password");
  if (db.engine === "sqlite" || db.engine === "duckdb") {
    const path = db.path ?? "";
    const location = db.volume ? { kind: "volume" as const, volume: db.volume, path } : { kind: "file" as const, path };
    if (db.engine === "sqlite") return { engine: "sqlite", location };
    if (ctx.strategy !== "stop-first") {
      throw new BackupError("DuckDB allows one writer only: it can be backed up only while the app is stopped", {
        hint: "set `strategy: stop-first` (the plan will say it has downtime)",
      });
    }
    return { engine: "duckdb", location, safety: { mode: "stop-first" } };
  }
  const url = secret(ctx.env, db.url_secret, "database URL");
  if (db.engine === "mongodb") {
    const location: ServerLocation = url
      ? { kind: "server", ...mongoHosts(url) }
      : { kind: "service", compose: { project: ctx.composeProject, service: db.compose_service ?? "" } };
    return { engine: "mongodb", location, uri: url, database: db.name, password };
  }
  const fromUrl: ServerParts = url
    ? parseServerUrl(url)
    : { location: { kind: "service", compose: { project: ctx.composeProject, service: db.compose_service ?? "" } } };
  const database = db.name ?? fromUrl.database;
  if (!database)
    throw new BackupError(`no ${db.engine} database name`, {
      hint: "set `database.name` (or put it in the URL's path)",
    });
  return {
    engine: db.engine,
    location: fromUrl.location,
    database,
    user: db.user ?? fromUrl.user,
    password: password ?? fromUrl.password,
  };
}
