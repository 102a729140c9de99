/**
 * Which files of a service's code are shipped to hosts. Never by default: secrets (`.env`, `.env.*`), local databases
 * (`*.db`, `*.sqlite*`, Flask's `instance/`), VCS data, caches, virtualenvs, `data/` and the app's tests, at any depth.
 * Then the directory's `.dockerignore` and `.slipwayignore` (in that order, Docker's syntax and semantics: last match
 * wins, `!` re-includes) refine it, so what the developer already keeps out of images stays off the hosts too.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import dockerignore from "@balena/dockerignore";

// The package's types declare an ES default export but it is CommonJS; its factory carries itself as `.default` too.
const ignore = dockerignore.default;

/** Default exclusions, as .dockerignore patterns (`**` = at any depth). */
export const SHIP_EXCLUDES = [
  "**/.git",
  "**/.env",
  "**/.env.*",
  "**/*.db",
  "**/*.sqlite",
  "**/*.sqlite?",
  "**/*.sqlite-*",
  "**/*.sqlite?-*",
  "**/instance",
  "**/__pycache__",
  "**/*.pyc",
  "**/node_modules",
  "**/.venv",
  "**/data",
  "**/tests",
];

/** The ignore files read from the code's directory, in order (later patterns win). */
export const IGNORE_FILES = [".dockerignore", ".slipwayignore"];

/** The .dockerignore-syntax patterns in force for `dir`: the defaults, then each ignore file's lines. */
export function shipPatterns(dir: string): string[] {
  const patterns = [...SHIP_EXCLUDES];
  for (const name of IGNORE_FILES) {
    const file = join(dir, name);
    if (existsSync(file)) patterns.push(...readFileSync(file, "utf8").split(/\r?\n/));
  }
  return patterns;
}

/**
 * Every path under `dir` to ship (relative, `/`-separated, directories included so empty ones survive), in a stable
 * order. An excluded directory is not walked unless a `!` pattern could re-include something inside it.
 */
export function shippedPaths(dir: string, patterns: readonly string[] = shipPatterns(dir)): string[] {
  const matcher = ignore().add([...patterns]);
  const mayReinclude = patterns.some((p) => p.trim().startsWith("!"));
  const out: string[] = [];
  const walk = (relativeDir: string) => {
    // Byte order: the same list on every machine whatever its locale.
    const entries = readdirSync(join(dir, relativeDir), { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of entries) {
      const path = relativeDir === "" ? entry.name : `${relativeDir}/${entry.name}`;
      const excluded = matcher.ignores(path);
      if (!excluded) out.push(path);
      if (entry.isDirectory() && (!excluded || mayReinclude)) walk(path);
    }
  };
  walk("");
  return out;
}
