/**
 * `slipway init`'s detection: what an app directory holds (Dockerfiles, a compose file, Python dependencies with
 * their framework, a SQLite/DuckDB file or driver, a `static/` folder) and the config that follows, each finding
 * with the reason it was made. Pure: the caller lists the files and reads them (src/cli/init.ts).
 */
import { composeServices } from "./compose-file.js";
import { fileDatabase } from "./file-database.js";
import {
  appModuleOf,
  databaseEnvOf,
  dataRouteOf,
  dependsOn,
  type Framework,
  frameworkOf,
  healthPathOf,
  importedModules,
  portOf,
  type SourceFile,
  secretEnvOf,
} from "./python.js";
import { backendCalls, wireToBackend } from "./wiring.js";

/** The app directory: every file path relative to it (`/`-separated), and the text of a file (undefined: unread). */
export interface AppTree {
  files: readonly string[];
  text(path: string): string | undefined;
}

export type Runtime = "systemd" | "container" | "compose";

export interface DetectedService {
  name: string;
  /** Directory relative to the app directory (`.` for the root). */
  context: string;
  port: number;
  dockerfile: boolean;
  framework?: Framework;
  server?: "gunicorn" | "uvicorn";
  appModule?: string;
  healthPath?: string;
  /** A GET route under /api/ reading the app's data: the route check after the switch (python.ts dataRouteOf). */
  dataPath?: string;
  /** A prebuilt image (a database server from the compose file). */
  image?: string;
  accessory?: boolean;
  env: Record<string, string>;
  secrets: string[];
  volumes: string[];
  dependsOn: string[];
  /** `static/` inside the context. */
  staticDir?: string;
  /** Compose bind mounts (`./instance:/app/instance`): the servers have no such directory; none is carried as is. */
  bindMounts?: string[];
  /** What became of the compose service's keys (`env_file:`, keys not carried), one line each for its comment. */
  composeNotes?: string[];
}

export interface DetectedDatabase {
  engine: "sqlite" | "duckdb" | "postgres" | "mysql";
  /** File engines: an absolute path (systemd) or a path relative to `volume`. */
  path?: string;
  volume?: string;
  composeService?: string;
  urlSecret?: string;
  passwordSecret?: string;
  /** A location given by the compose file: how it was kept, or why it was replaced (the config's comment). */
  note?: string;
}

export interface Detection {
  app: string;
  runtime: Runtime;
  services: DetectedService[];
  database?: DetectedDatabase;
  /** Why each choice was made, one line each, for the user. */
  reasons: string[];
}

const SKIP =
  /(^|\/)(\.git|\.github|node_modules|\.venv|venv|env|__pycache__|tests?|static|templates|instance|data|docs)(\/|$)/;
const COMPOSE_FILES = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"];
const DEPENDENCY_FILES = ["requirements.txt", "pyproject.toml", "Pipfile", "setup.cfg"];

/** A name valid as `app`: lower-case letters, digits and dashes. */
export function appNameOf(directoryName: string): string {
  const name = directoryName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return /^[a-z]/.test(name) ? name : `app-${name || "1"}`;
}

/** What the directory holds, and the config choices that follow. `runtime` overrides the detected one. */
export function detectApp(tree: AppTree, directoryName: string, runtime?: Runtime): Detection {
  const app = appNameOf(directoryName);
  const reasons: string[] = [];
  const composeFile = COMPOSE_FILES.find((f) => tree.files.includes(f));
  const composeText = composeFile ? tree.text(composeFile) : undefined;
  const fromCompose =
    composeFile && composeText !== undefined
      ? composeServices(composeText, composeFile, (path) => tree.text(path))
      : undefined;
  let services: DetectedService[];
  if (fromCompose && fromCompose.services.length > 0) {
    reasons.push(`${composeFile}: services ${fromCompose.services.map((s) => s.name).join(", ")}`);
    reasons.push(...fromCompose.notes);
    services = fromCompose.services.map((s) => (s.image ? s : withFacts(s, pythonFacts(tree, s.context, s.port))));
  } else {
    services = contexts(tree).map((context, i) => serviceIn(tree, context, i));
  }
  const calls = backendCalls(services, (s) => sourceFiles(tree, s.context));
  const chosen = runtime ?? runtimeOf(services, composeFile, calls.length > 0);
  reasons.push(runtimeReason(chosen, runtime, services, composeFile));
  for (const s of services) reasons.push(...serviceReasons(s));
  wireToBackend(calls, chosen, reasons);
  const database = databaseOf(tree, app, chosen, services, reasons);
  if (composeFile) reasons.push(...bindMountNotes(services, composeFile));
  return { app, runtime: chosen, services, ...(database ? { database } : {}), reasons };
}

/** Directories holding a service: the root when it has a Dockerfile or Python dependencies, else each subdirectory that does. */
function contexts(tree: AppTree): string[] {
  const holds = (dir: string) =>
    ["Dockerfile", ...DEPENDENCY_FILES].some((f) => tree.files.includes(dir === "." ? f : `${dir}/${f}`));
  if (holds(".")) return ["."];
  const dirs = new Set<string>();
  for (const file of tree.files) {
    const parts = file.split("/");
    if (parts.length === 2 && parts[0] && !SKIP.test(`${parts[0]}/`)) dirs.add(parts[0]);
  }
  const found = [...dirs].filter(holds).sort(byRole);
  return found.length > 0 ? found : ["."];
}

/** backend/api first: the service the others depend on. */
function byRole(a: string, b: string): number {
  const role = (d: string) => (/^(backend|api|server)$/.test(d) ? 0 : 1);
  return role(a) - role(b) || a.localeCompare(b);
}

function serviceIn(tree: AppTree, context: string, index: number): DetectedService {
  const name = context === "." ? "web" : appNameOf(context);
  const dockerfile = tree.files.includes(join(context, "Dockerfile"));
  const base: DetectedService = {
    name,
    context,
    port: 0,
    dockerfile,
    env: {},
    secrets: [],
    volumes: [],
    dependsOn: [],
  };
  const facts = pythonFacts(tree, context, undefined);
  const port = facts.port ?? (facts.framework === "dash" ? 8050 : 8000 + index);
  const staticDir = tree.files.some((f) => f.startsWith(`${join(context, "static")}/`))
    ? join(context, "static")
    : undefined;
  return { ...base, ...facts, port, ...(staticDir ? { staticDir } : {}) };
}

/** The framework, server, app module, port and health route read from the service's files. */
function pythonFacts(
  tree: AppTree,
  context: string,
  knownPort: number | undefined,
): Partial<DetectedService> & { port?: number } {
  const files = sourceFiles(tree, context);
  // The dependency files, and what the code imports (an image may install its packages without a requirements file).
  const dependencies = [
    ...files.filter((f) => DEPENDENCY_FILES.includes(f.path)).map((f) => f.text),
    importedModules(files),
  ].join("\n");
  const framework = frameworkOf(dependencies);
  const facts: Partial<DetectedService> & { port?: number } = {};
  if (framework) {
    facts.framework = framework;
    facts.server = framework === "fastapi" && !dependsOn(dependencies, "gunicorn") ? "uvicorn" : "gunicorn";
    const appModule = appModuleOf(framework, files);
    if (appModule) facts.appModule = appModule;
  }
  const port = knownPort ?? portOf(files)?.port;
  if (port) facts.port = port;
  const health = healthPathOf(files);
  if (health) facts.healthPath = health;
  const data = dataRouteOf(files);
  if (data) facts.dataPath = data;
  const secrets = secretEnvOf(files);
  if (secrets.length > 0) facts.secrets = secrets;
  return facts;
}

/**
 * A compose service with what its code says: the code's secrets join the compose file's (`env_file:` names,
 * password-like `environment:` names), never replacing them.
 */
function withFacts(service: DetectedService, facts: Partial<DetectedService>): DetectedService {
  const fromCode = (facts.secrets ?? []).filter((n) => !service.secrets.includes(n) && !(n in service.env));
  return { ...service, ...facts, secrets: [...service.secrets, ...fromCode] };
}

/** The bind mounts no database took: not carried (the servers have no such directory), said once per service. */
function bindMountNotes(services: DetectedService[], composeFile: string): string[] {
  const lines: string[] = [];
  for (const s of services) {
    if (!s.bindMounts?.length) continue;
    const line = `bind mount ${s.bindMounts.join(", ")} not carried: the servers have no such directory (a named volume \`name:/path\` in services.${s.name}.volumes keeps data across deploys)`;
    s.composeNotes = [...(s.composeNotes ?? []), line];
    lines.push(`${composeFile}: service ${s.name}: ${line}`);
  }
  return lines;
}

/** The service's text files, paths relative to its context. */
export function sourceFiles(tree: AppTree, context: string): SourceFile[] {
  const prefix = context === "." ? "" : `${context}/`;
  const out: SourceFile[] = [];
  for (const file of tree.files) {
    if (!file.startsWith(prefix)) continue;
    const text = tree.text(file);
    if (text !== undefined) out.push({ path: file.slice(prefix.length), text });
  }
  return out;
}

function join(context: string, path: string): string {
  return context === "." ? path : `${context}/${path}`;
}

/** Services that call each other over the network need compose's network: runtime container has none. */
function runtimeOf(services: readonly DetectedService[], composeFile: string | undefined, calls: boolean): Runtime {
  if (composeFile) return "compose";
  if (services.every((s) => s.dockerfile)) return calls ? "compose" : "container";
  return "systemd";
}

function runtimeReason(
  chosen: Runtime,
  given: Runtime | undefined,
  services: readonly DetectedService[],
  composeFile: string | undefined,
): string {
  if (given) return `runtime ${chosen}: given with --runtime`;
  if (chosen === "compose" && composeFile) return `runtime compose: ${composeFile} found`;
  if (chosen === "compose")
    return "runtime compose: every service has a Dockerfile and one calls another (a network between the containers)";
  if (chosen === "container")
    return "runtime container: every service has a Dockerfile (built here, streamed over SSH)";
  const without = services.filter((s) => !s.dockerfile).map((s) => join(s.context, "Dockerfile"));
  return `runtime systemd: no ${without.join(", ")} (the code is shipped and run by gunicorn/uvicorn under systemd)`;
}

function serviceReasons(s: DetectedService): string[] {
  if (s.image) return [`service ${s.name}: image ${s.image}${s.accessory ? " (a database server: accessory)" : ""}`];
  const what = s.framework
    ? `${s.framework}, ${s.server}${s.appModule ? ` ${s.appModule}` : ""}`
    : "no Python framework found";
  const lines = [
    `service ${s.name} (${s.context}): ${what}, port ${s.port}, health ${s.healthPath ?? "/ (no health route found)"}`,
  ];
  if (s.staticDir) lines.push(`static files: ${s.staticDir}/ served by nginx at /static/`);
  return lines;
}

/** The database: a compose database server, a DuckDB/SQLite dependency or file, a Postgres/MySQL driver. */
function databaseOf(
  tree: AppTree,
  app: string,
  runtime: Runtime,
  services: DetectedService[],
  reasons: string[],
): DetectedDatabase | undefined {
  const server = services.find((s) => s.accessory && s.image);
  if (server?.image) {
    const engine = /postgres/.test(server.image) ? "postgres" : "mysql";
    reasons.push(`database: ${engine} in service ${server.name}`);
    const passwordSecret = server.secrets[0];
    return { engine, composeService: server.name, ...(passwordSecret ? { passwordSecret } : {}) };
  }
  const dependencies = [
    ...DEPENDENCY_FILES.flatMap((f) =>
      tree.files.filter((p) => p === f || p.endsWith(`/${f}`)).map((p) => tree.text(p) ?? ""),
    ),
    ...services.filter((s) => !s.image).map((s) => importedModules(sourceFiles(tree, s.context))),
  ].join("\n");
  const dbFile = tree.files.find((f) => /\.(db|sqlite3?|duckdb)$/.test(f) && !/(^|\/)(tests?|\.git)\//.test(f));
  const python = services.filter((s) => !s.image).flatMap((s) => sourceFiles(tree, s.context));
  const code = python.filter((f) => f.path.endsWith(".py") && !/test/.test(f.path));
  // A store standing in for DuckDB keeps its one-writer rule: the code naming it is enough.
  const duck =
    dependsOn(dependencies, "duckdb") || dbFile?.endsWith(".duckdb") || code.some((f) => /duckdb/i.test(f.text));
  const sqliteInCode = code.some((f) => /sqlite3|sqlite:\/\//.test(f.text));
  const pathEnv = databaseEnvOf(code, "path");
  if (duck || dbFile || sqliteInCode || pathEnv || /sqlite/i.test(dependencies)) {
    const engine = duck ? "duckdb" : "sqlite";
    const fileName = dbFile?.replace(/^.*\//, "") ?? `${app}.db`;
    const why = dbFile
      ? `file ${dbFile}`
      : duck
        ? "duckdb in the code or dependencies"
        : sqliteInCode || /sqlite/i.test(dependencies)
          ? "sqlite in the code"
          : `the code reads its path from ${pathEnv}`;
    reasons.push(`database: ${engine} (${why})`);
    const filesOf = (s: DetectedService) => sourceFiles(tree, s.context);
    const inContainer = runtime !== "systemd";
    return fileDatabase({ app, inContainer, services, engine, fileName, filesOf }, reasons);
  }
  const driver = ["psycopg", "psycopg2", "psycopg2-binary", "asyncpg"].some((d) => dependsOn(dependencies, d))
    ? "postgres"
    : ["pymysql", "mysqlclient", "aiomysql"].some((d) => dependsOn(dependencies, d))
      ? "mysql"
      : undefined;
  if (!driver) return undefined;
  reasons.push(`database: ${driver} server (driver in the dependencies), reached through the secret DATABASE_URL`);
  for (const s of services) if (!s.image && !s.secrets.includes("DATABASE_URL")) s.secrets.push("DATABASE_URL");
  return { engine: driver, urlSecret: "DATABASE_URL" };
}
