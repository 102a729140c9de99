// src/cli/_launch.ts
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";
function codeCachePath(bundleSha256, env, home, node = process) {
  const base = env.XDG_CACHE_HOME || (home ? join(home, ".cache") : "");
  if (!base) return null;
  return join(base, "slipway", `cli-${bundleSha256.slice(0, 16)}-${node.version}-${node.arch}.v8cache`);
}
function homeDir() {
  try {
    return homedir();
  } catch {
    return "";
  }
}
var WRAPPER = ["(function (exports, require, module, __filename, __dirname) { ", "\n});"];
function readCache(file) {
  try {
    return file ? readFileSync(file) : void 0;
  } catch {
    return void 0;
  }
}
function writeCache(file, data) {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 448 });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, data, { mode: 384 });
    renameSync(partial, file);
    for (const old of readdirSync(dirname(file))) {
      if (/^cli-.*\.v8cache$/.test(old) && old !== basename(file)) rmSync(join(dirname(file), old), { force: true });
    }
  } catch {
  }
}
function loadBundle(bundle, cacheFile) {
  const source = `${WRAPPER[0]}${readFileSync(bundle, "utf8")}${WRAPPER[1]}`;
  const cachedData = readCache(cacheFile);
  const script = new Script(source, { filename: bundle, ...cachedData ? { cachedData } : {} });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  const fresh = !cachedData || script.cachedDataRejected === true;
  return {
    cli: module.exports,
    saveCache: () => {
      if (fresh && cacheFile) writeCache(cacheFile, script.createCachedData());
    }
  };
}
async function main(argv = process.argv) {
  const bundle = fileURLToPath(new URL("./cli.cjs", import.meta.url));
  const { cli, saveCache } = loadBundle(bundle, codeCachePath("2e1192febae6a0dbc19d911702e3d2435c14d1363342916d2c174f9f8860c2f2", process.env, homeDir()));
  try {
    await cli.main(argv);
  } finally {
    saveCache();
  }
}
export {
  codeCachePath,
  main
};
