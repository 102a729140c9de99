/**
 * Where `slipway init` puts a SQLite/DuckDB file: /var/lib/<app>/ under systemd, a named volume in a container. A
 * location the compose file already gives (seed 001's `DATABASE_URL=sqlite:////app/instance/app.db` on
 * `./instance:/app/instance`) is kept, its directory a named volume; one that cannot be kept is replaced, and the
 * reason and the database comment say so. Pure.
 */
import type { DetectedDatabase, DetectedService } from "./detect.js";
import { databaseEnvOf, type SourceFile, sqliteUrlEnvOf } from "./python.js";

/** What fileDatabase needs of the detection so far. */
export interface FileDatabaseInput {
  app: string;
  /** Not systemd: the file lives on a docker volume. */
  inContainer: boolean;
  services: DetectedService[];
  engine: "sqlite" | "duckdb";
  /** The file name when nothing names one (a `.db` file found, else `<app>.db`). */
  fileName: string;
  /** The service's Python files, paths relative to its context. */
  filesOf: (service: DetectedService) => SourceFile[];
}

/** The variable holding the database's location and what its value is: a path, or a `sqlite:///` URL. */
interface LocationVariable {
  name: string;
  kind: "path" | "url";
  /** The file name of the code's default (`sqlite:///notes.db`), for a URL. */
  defaultFile?: string;
}

const SQLITE_URL = /^sqlite(?:\+\w+)?:\/\/\//;

/**
 * The database of `input` and where it lives; sets the owner service's variable and volume, pushing one line per
 * choice to `reasons`. The owner is the service that reads the location, else the first built one.
 */
export function fileDatabase(input: FileDatabaseInput, reasons: string[]): DetectedDatabase {
  const { app, engine, inContainer } = input;
  const built = input.services.filter((s) => !s.image);
  const owner = built.find((s) => locationVariable(input.filesOf(s), s) !== undefined) ?? built[0] ?? input.services[0];
  const variable = owner ? locationVariable(input.filesOf(owner), owner) : undefined;
  const kept = owner && variable && inContainer ? keptLocation(app, owner, variable, engine) : undefined;
  if (kept) {
    reasons.push(kept.note ?? "");
    return kept;
  }
  const name =
    variable?.kind === "url" && engine === "sqlite" && variable.defaultFile ? variable.defaultFile : input.fileName;
  const path = inContainer ? `/app/data/${name}` : `/var/lib/${app}/${name}`;
  const value = variable?.kind === "url" ? `sqlite:///${path}` : path;
  const given = variable ? owner?.env[variable.name] : undefined;
  // The compose file's own value (relative, or on no volume) would not outlive a deploy: replaced, and said.
  const note = given
    ? `the compose file's ${variable?.name}=${given} is on no volume a deploy keeps: replaced by ${value}`
    : undefined;
  if (owner && variable) owner.env[variable.name] = value;
  if (note) reasons.push(note);
  else if (variable?.kind === "path")
    reasons.push(`the code reads the database path from ${variable.name}: set to ${path}`);
  else if (variable)
    // Four slashes: an absolute path. The default's relative one lands in the release (or Flask's instance/).
    reasons.push(
      `the code reads a sqlite:/// URL from ${variable.name} (default ${variable.defaultFile ?? name}, replaced by each deploy): set to ${value}`,
    );
  else reasons.push(`no environment variable for the database path found in the code: point the app at ${path}`);
  if (!inContainer) return { engine, path, ...(note ? { note } : {}) };
  const volume = `${app}-data`;
  if (owner) owner.volumes.push(`${volume}:/app/data`);
  return { engine, path: name, volume, ...(note ? { note } : {}) };
}

/** The code's variable for the location, else a compose `environment:` value that is a sqlite:/// URL. */
function locationVariable(files: readonly SourceFile[], service: DetectedService): LocationVariable | undefined {
  const pathEnv = databaseEnvOf(files, "path");
  if (pathEnv) return { name: pathEnv, kind: "path" };
  const url = sqliteUrlEnvOf(files);
  if (url) return { name: url.name, kind: "url", defaultFile: url.file };
  const given = Object.entries(service.env).find(([, value]) => SQLITE_URL.test(value));
  return given ? { name: given[0], kind: "url" } : undefined;
}

/**
 * The compose file's absolute location, kept when a volume of the service holds its directory: a named volume as it
 * is, a bind mount (`./instance:/app/instance`, a directory the hosts do not have) as a named volume in its place.
 */
function keptLocation(
  app: string,
  owner: DetectedService,
  variable: LocationVariable,
  engine: "sqlite" | "duckdb",
): DetectedDatabase | undefined {
  const value = owner.env[variable.name];
  if (value === undefined) return undefined;
  const file = variable.kind === "url" ? value.replace(SQLITE_URL, "").replace(/\?.*$/, "") : value;
  if (variable.kind === "url" && !SQLITE_URL.test(value)) return undefined;
  if (!file.startsWith("/")) return undefined;
  const within = (target: string) => file.startsWith(`${target.replace(/\/+$/, "")}/`);
  const given = `${variable.name}=${value} kept from the compose file`;
  for (const mount of owner.volumes) {
    const [volume = "", target = ""] = mount.split(":");
    if (!within(target)) continue;
    const path = file.slice(target.replace(/\/+$/, "").length + 1);
    return { engine, path, volume, note: `${given}: the database ${path} on its volume ${volume}` };
  }
  for (const mount of owner.bindMounts ?? []) {
    const [source = "", target = ""] = mount.split(":");
    if (!within(target)) continue;
    const path = file.slice(target.replace(/\/+$/, "").length + 1);
    const volume = volumeNameOf(app, source);
    const left = (owner.bindMounts ?? []).filter((m) => m !== mount);
    if (left.length > 0) owner.bindMounts = left;
    else delete owner.bindMounts;
    owner.volumes.push(`${volume}:${target}`);
    const note =
      `${given}; its bind mount ${mount} is the named volume ${volume} at ${target} (the servers have no ${source}; ` +
      `a named volume is kept across deploys and backed up): copy your ${source.replace(/^\.\/|\/+$/g, "")}/${path} into it before the first deploy to keep its data`;
    return { engine, path, volume, note };
  }
  return undefined;
}

/** `<app>-<last directory of source>` in the characters a volume name takes. */
function volumeNameOf(app: string, source: string): string {
  const last = source.replace(/\/+$/, "").split("/").pop() ?? "";
  const part = last
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `${app}-${part || "data"}`.slice(0, 63).replace(/-+$/, "");
}
