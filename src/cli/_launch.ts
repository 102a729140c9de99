/**
 * Entry of the bundled CLI (dist/cli/index.js). It loads the CLI itself, the CommonJS bundle dist/cli/cli.cjs, through
 * a V8 code cache: compiling the 3 MB bundle costs ~60-70 ms of CPU at every start on Node 20, which has no compile
 * cache of its own (`module.enableCompileCache` is Node 22), and a CommonJS script is what `vm.Script` can cache on
 * every Node from 20 on. The cache is written once per bundle and Node version (replacing the earlier ones), after the
 * first run (so it holds the functions that ran, compiled, too), to `$XDG_CACHE_HOME/slipway` (else
 * `~/.cache/slipway`), a directory of the user's own (mode 0700). It is only ever a speed-up: a cache that cannot be
 * read, written or that V8 rejects means a plain compile, never an error.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

/** sha256 of dist/cli/cli.cjs, set by scripts/bundle.mjs when it bundles this file (V8 checks only the length). */
declare const __SLIPWAY_CLI_SHA256__: string;

interface CliBundle {
  main(argv?: readonly string[]): Promise<void>;
}

/**
 * The cache file of one bundle on this Node and CPU, or null when there is no home directory to hold it. Pure:
 * `env` and `home` are process.env and os.homedir().
 */
export function codeCachePath(
  bundleSha256: string,
  env: NodeJS.ProcessEnv,
  home: string,
  node: { version: string; arch: string } = process,
): string | null {
  const base = env.XDG_CACHE_HOME || (home ? join(home, ".cache") : "");
  if (!base) return null;
  return join(base, "slipway", `cli-${bundleSha256.slice(0, 16)}-${node.version}-${node.arch}.v8cache`);
}

/** os.homedir(), or "" where it throws (no HOME and no passwd entry: a bare container). */
function homeDir(): string {
  try {
    return homedir();
  } catch {
    return "";
  }
}

/** The CommonJS wrapper Node puts around a module, so the bundle runs as `require` would run it. */
const WRAPPER = ["(function (exports, require, module, __filename, __dirname) { ", "\n});"] as const;

function readCache(file: string | null): Buffer | undefined {
  try {
    return file ? readFileSync(file) : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, data: Buffer): void {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, data, { mode: 0o600 });
    renameSync(partial, file);
    // The caches of earlier bundles (an upgrade) or Node versions: ~2 MB each, never read again.
    for (const old of readdirSync(dirname(file))) {
      if (/^cli-.*\.v8cache$/.test(old) && old !== basename(file)) rmSync(join(dirname(file), old), { force: true });
    }
  } catch {
    // A read-only or full home directory: the next run compiles again.
  }
}

/** Loads and runs the CommonJS bundle; `saveCache()` writes the code cache when there was none (or V8 refused it). */
function loadBundle(bundle: string, cacheFile: string | null): { cli: CliBundle; saveCache: () => void } {
  const source = `${WRAPPER[0]}${readFileSync(bundle, "utf8")}${WRAPPER[1]}`;
  const cachedData = readCache(cacheFile);
  const script = new Script(source, { filename: bundle, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as CliBundle };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  const fresh = !cachedData || script.cachedDataRejected === true;
  return {
    cli: module.exports,
    saveCache: () => {
      if (fresh && cacheFile) writeCache(cacheFile, script.createCachedData());
    },
  };
}

/** Runs the CLI (the same `main` as src/cli/index.ts), then keeps its compiled code for the next start. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const bundle = fileURLToPath(new URL("./cli.cjs", import.meta.url));
  const { cli, saveCache } = loadBundle(bundle, codeCachePath(__SLIPWAY_CLI_SHA256__, process.env, homeDir()));
  try {
    await cli.main(argv);
  } finally {
    saveCache();
  }
}
