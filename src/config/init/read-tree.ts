/**
 * The app directory as `slipway init` sees it (an AppTree for detect.ts): file paths up to four levels deep, without
 * VCS, virtualenv and dependency folders, and the text of the files detection reads (Python, dependency lists,
 * Dockerfiles, compose files, `.env` files for their names), each up to 256 KiB.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { AppTree } from "./detect.js";

const SKIP_DIRS = new Set([
  ".git",
  "node_modules",
  ".venv",
  "venv",
  "__pycache__",
  ".tox",
  ".mypy_cache",
  "dist",
  "build",
]);
// `.env` files: a compose `env_file:`, read for its variable names only (compose-file.ts), never its values.
const READ = /(\.py|\.txt|\.toml|\.cfg|\.ya?ml|(^|\/)Dockerfile|(^|\/)Pipfile|(^|\/)\.env(\.[\w.-]+)?)$/;
const MAX_FILES = 5000;
const MAX_BYTES = 256 * 1024;

/** The tree under `dir`; reading a file that cannot be read gives undefined. */
export function readAppTree(dir: string): AppTree {
  const files: string[] = [];
  const walk = (at: string, depth: number) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (files.length >= MAX_FILES) return;
      const path = join(at, entry.name);
      if (entry.isDirectory()) {
        if (depth < 4 && !SKIP_DIRS.has(entry.name)) walk(path, depth + 1);
      } else if (entry.isFile()) {
        files.push(relative(dir, path).split(sep).join("/"));
      }
    }
  };
  walk(dir, 1);
  files.sort();
  return {
    files,
    text(path: string): string | undefined {
      if (!READ.test(path)) return undefined;
      try {
        const full = join(dir, path);
        return statSync(full).size <= MAX_BYTES ? readFileSync(full, "utf8") : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
