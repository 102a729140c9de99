/**
 * What `slipway init` reads from a Python service's code: its framework (from requirements.txt / pyproject.toml),
 * the application object (`module:callable` for gunicorn/uvicorn), the port it binds, its health route and the
 * environment variable it reads its database path from. Pure: given file names and contents.
 */

export type Framework = "flask" | "fastapi" | "dash" | "django";

/** A file of the service: its path relative to the service's directory, and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

/** The first framework the dependency files name, by precedence (Dash is Flask underneath, so before it). */
export function frameworkOf(dependencies: string): Framework | undefined {
  const names = new Set(
    dependencies
      .toLowerCase()
      .split(/[\s,"'[\]=<>~!;]+/)
      .map((word) => word.replace(/\[.*$/, "")),
  );
  for (const framework of ["dash", "fastapi", "django", "flask"] as const) if (names.has(framework)) return framework;
  return undefined;
}

/** Whether the dependency files name a package (case-insensitive, whole word). */
export function dependsOn(dependencies: string, name: string): boolean {
  return new RegExp(`(^|[\\s"',\\[])${name}([\\s"',\\]=<>~!;\\[]|$)`, "im").test(dependencies);
}

const CONSTRUCTORS: Record<Framework, RegExp> = {
  flask: /^(\w+)\s*=\s*(?:flask\.)?Flask\(/m,
  fastapi: /^(\w+)\s*=\s*(?:fastapi\.)?FastAPI\(/m,
  dash: /^(\w+)\s*=\s*(?:dash\.)?Dash\(/m,
  django: /^(application)\s*=\s*get_wsgi_application\(/m,
};

/**
 * `module:callable` of the application, from the top-level `.py` files (and `wsgi.py` anywhere for Django). Dash
 * serves through its Flask `server`: `server = app.server` when the file has it, else `app.server`.
 */
export function appModuleOf(framework: Framework, files: readonly SourceFile[]): string | undefined {
  const python = files.filter((f) => f.path.endsWith(".py") && (!f.path.includes("/") || framework === "django"));
  const ordered = [...python].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  for (const file of ordered) {
    // An app factory (`app = create_app()`) is the app when the constructor sits inside the factory.
    const match = CONSTRUCTORS[framework].exec(file.text) ?? factoryApp(framework, file.text);
    if (!match?.[1]) continue;
    const module = file.path.replace(/\.py$/, "").replaceAll("/", ".");
    if (framework !== "dash") return `${module}:${match[1]}`;
    const server = new RegExp(`^(\\w+)\\s*=\\s*${match[1]}\\.server\\b`, "m").exec(file.text);
    return `${module}:${server?.[1] ?? `${match[1]}.server`}`;
  }
  return undefined;
}

/** `app = create_app()` at the top level when the constructor sits inside the factory function. */
function factoryApp(framework: Framework, text: string): RegExpExecArray | null {
  const inside = new RegExp(CONSTRUCTORS[framework].source.replace("^", "^\\s+"), "m");
  return framework !== "dash" && inside.test(text) ? /^(app|application)\s*=\s*\w+\(/m.exec(text) : null;
}

/** Conventional entry files first (wsgi, app, main), tests last. */
function rank(path: string): number {
  const base = path.replace(/^.*\//, "");
  if (/^(wsgi|asgi|app|main|server)\.py$/.test(base)) return 0;
  if (/test/.test(path)) return 2;
  return 1;
}

/** The port the service binds: gunicorn.conf.py `bind`, Dockerfile EXPOSE, `--bind`/`--port` in a CMD, `app.run(port=)`. */
export function portOf(files: readonly SourceFile[]): { port: number; from: string } | undefined {
  const patterns: Array<[RegExp, (path: string) => boolean]> = [
    [/^\s*bind\s*=\s*\[?\s*["'][^"':]*:(\d{2,5})["']/m, (p) => /gunicorn\.conf\.py$/.test(p)],
    [/^\s*EXPOSE\s+(\d{2,5})/im, (p) => /(^|\/)Dockerfile$/.test(p)],
    [/(?:--bind|-b)[\s=]+["']?[^\s"':]*:(\d{2,5})/, () => true],
    [/--port[\s=]+["']?(\d{2,5})/, () => true],
    [/\.run(?:_server)?\([^)]*\bport\s*=\s*(\d{2,5})/, (p) => p.endsWith(".py")],
    [/environ\.get\(\s*["']PORT["']\s*,\s*["']?(\d{2,5})/, (p) => p.endsWith(".py")],
  ];
  for (const [pattern, applies] of patterns) {
    for (const file of files) {
      if (!applies(file.path)) continue;
      const match = pattern.exec(file.text);
      if (match?.[1]) return { port: Number(match[1]), from: file.path };
    }
  }
  return undefined;
}

/** The health route the code defines (`/api/health`, `/health`, `/healthz`), else undefined. */
export function healthPathOf(files: readonly SourceFile[]): string | undefined {
  const python = files.filter((f) => f.path.endsWith(".py") && !/test/.test(f.path));
  for (const route of ["/api/health", "/health", "/healthz", "/api/healthz"]) {
    // A route the code declares (`@app.get("/health")`, `@app.route(...)`), not one it calls.
    const quoted = new RegExp(`\\.(?:route|get|api_route)\\(\\s*["']${route.replaceAll("/", "\\/")}["']`);
    if (python.some((f) => quoted.test(f.text))) return route;
  }
  return undefined;
}

/** The environment variable the code reads its database path or URL from (`DATABASE_PATH`, `DB_PATH`, `DATABASE_URL`). */
export function databaseEnvOf(files: readonly SourceFile[], kind: "path" | "url"): string | undefined {
  const wanted = kind === "path" ? /^(?:\w*_)?(?:DATABASE|DB|SQLITE|DUCKDB)(?:_\w*)?_?(?:PATH|FILE)$/ : /URL|URI|DSN/;
  const read = /(?:environ\.get|environ\[|getenv)\(?\s*["']([A-Z][A-Z0-9_]*)["']/g;
  for (const file of files) {
    if (!file.path.endsWith(".py") || /test/.test(file.path)) continue;
    for (const match of file.text.matchAll(read)) {
      const name = match[1] ?? "";
      if (wanted.test(name) && (kind === "path" || /DATABASE|DB|SQL/.test(name))) return name;
    }
  }
  return undefined;
}

/** Top-level module names the code imports (`import duckdb`, `from flask_sqlalchemy import ...`), one a line. */
export function importedModules(files: readonly SourceFile[]): string {
  const names = new Set<string>();
  for (const file of files) {
    if (!file.path.endsWith(".py") || /test/.test(file.path)) continue;
    for (const match of file.text.matchAll(/^\s*(?:from|import)\s+([A-Za-z_]\w*)/gm)) if (match[1]) names.add(match[1]);
  }
  return [...names].join("\n");
}

/** Password-like environment variables the code reads (`SECRET_KEY`, `API_TOKEN`): secrets of the service. */
export function secretEnvOf(files: readonly SourceFile[]): string[] {
  return [...envReadsOf(files)]
    .filter((name) => /PASSWORD|SECRET|TOKEN|_KEY$/.test(name) && !/^SLIPWAY_/.test(name))
    .sort();
}

/**
 * A SQLAlchemy-style URL the code reads with a SQLite default (`os.environ.get("DATABASE_URL") or
 * "sqlite:///notes.db"`, `getenv("DB_URL", "sqlite:///./app.db")`): the variable and the default file's name. The
 * relative default lands in the working directory (or Flask's instance/), which a deploy replaces: init points the
 * variable at the kept location instead.
 */
export function sqliteUrlEnvOf(files: readonly SourceFile[]): { name: string; file: string } | undefined {
  const read =
    /(?:environ\.get|getenv)\(\s*["']([A-Z][A-Z0-9_]*)["']\s*(?:,\s*|\)\s*or\s+)["']sqlite(?:\+\w+)?:\/\/\/([^"'?]+)/;
  for (const file of files) {
    if (!file.path.endsWith(".py") || /test/.test(file.path)) continue;
    const match = read.exec(file.text);
    const name = match?.[1];
    const path = match?.[2]?.replace(/^.*\//, "");
    if (name && path) return { name, file: path };
  }
  return undefined;
}

/** Every upper-case environment variable the code reads (`environ.get("X")`, `environ["X"]`, `getenv("X")`). */
export function envReadsOf(files: readonly SourceFile[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    if (!file.path.endsWith(".py") || /test/.test(file.path)) continue;
    for (const match of file.text.matchAll(/(?:environ\.get|environ\[|getenv)\(?\s*["']([A-Z][A-Z0-9_]*)["']/g))
      if (match[1]) names.add(match[1]);
  }
  return names;
}

/** Routes that prove nothing beyond the health gate, or that change something / take long when called. */
const NOT_DATA = /^(health|healthz|ready|readyz|live|livez|ping|info|version|status|metrics|slow|upload|echo.*)$/;

/**
 * A GET route under /api/ that reads the app's data (`/api/notes`, `/api/items`), in code order: what the route
 * check after the switch requests (D44: the health path only repeats the gate, so a release broken past its health
 * route would go live). Undefined when the code declares none.
 */
export function dataRouteOf(files: readonly SourceFile[]): string | undefined {
  const declared = /\.(get|route)\(\s*["'](\/api\/([A-Za-z0-9_-]+))\/?["']([^)]*)\)/g;
  for (const file of files) {
    if (!file.path.endsWith(".py") || /test/.test(file.path)) continue;
    for (const match of file.text.matchAll(declared)) {
      const [, verb, path, name = "", rest = ""] = match;
      // `.route` is GET unless its methods leave GET out.
      if (verb === "route" && /methods/.test(rest) && !/["']GET["']/.test(rest)) continue;
      if (path && !NOT_DATA.test(name)) return path;
    }
  }
  return undefined;
}
