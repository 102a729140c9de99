// Bundles each entry into one ESM file (what action.yml and bin/slipway.js run; dist/ is checked in, as actions
// require) with the notices of every package it contains beside it (THIRD-PARTY-LICENSES.txt, from the bundle's own
// inputs: only what the entry imports).
//
// Usage: node scripts/bundle.mjs [OUTDIR]   (default dist; CI bundles into a scratch dir and compares it with dist/)
// Prints each file's size in bytes.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import esbuildPluginLicense from "esbuild-plugin-license";
import { precompiledTemplatesModule } from "./precompile-templates.mjs";

const outdir = process.argv[2] ?? "dist";

/**
 * The verify action checks a site with Node's own fetch and never calls GitHub's API, yet @actions/core imports
 * @actions/http-client, whose proxy dispatcher imports undici (0.75 MB, 93% of the bundle). There undici is this stub,
 * which fails loudly should the dispatcher ever be used.
 */
const withoutUndici = {
  name: "without-undici",
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: "undici", namespace: "slipway-stub" }));
    build.onLoad({ filter: /.*/, namespace: "slipway-stub" }, () => ({
      contents:
        "export class ProxyAgent { constructor() { throw new Error('this bundle has no HTTP proxy support (undici is not bundled)'); } }",
      loader: "js",
    }));
  },
};

/** templates/ precompiled into the bundle (src/render/precompiled-templates.ts is empty in the source). */
const precompiledTemplates = {
  name: "precompiled-templates",
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]render[\\/]precompiled-templates\.ts$/ }, () => ({
      contents: precompiledTemplatesModule("templates"),
      loader: "js",
      resolveDir: "templates",
    }));
  },
};

/**
 * Bundle -> entries (the deploy action's main and post steps share one directory and one set of notices). The CLI is
 * CommonJS (`cli.cjs`), loaded by its ESM entry `index.js` (src/cli/_launch.ts, built after it) through a V8 code
 * cache, which Node 20 offers for CommonJS scripts only.
 */
const bundles = {
  verify: { entries: { index: "src/github/entry/verify.ts" }, plugins: [withoutUndici] },
  deploy: { entries: { index: "src/github/entry/deploy.ts", post: "src/github/entry/post.ts" }, plugins: [] },
  cli: { entries: { cli: "src/cli/index.ts" }, plugins: [], format: "cjs", launcher: "src/cli/_launch.ts" },
};

/** An ESM bundle's banner: CommonJS dependencies call require() and read __dirname/__filename. */
const esmBanner = [
  "import { createRequire as __slipwayCreateRequire } from 'node:module';",
  "import { dirname as __slipwayDirname } from 'node:path';",
  "import { fileURLToPath as __slipwayFileUrl } from 'node:url';",
  "const require = __slipwayCreateRequire(import.meta.url);",
  "const __filename = __slipwayFileUrl(import.meta.url);",
  "const __dirname = __slipwayDirname(__filename);",
].join(" ");
/** A CommonJS bundle's banner: the sources' `import.meta.url` (defined to this name) is the bundle file's URL. */
const cjsBanner = "const __slipwayImportMetaUrl = require('node:url').pathToFileURL(__filename).href;";

/** The notices file: each package once (name, version, license, then its license text), sorted by name. */
function notices(dependencies) {
  const seen = new Map();
  for (const { packageJson, licenseText } of dependencies) {
    seen.set(`${packageJson.name}@${packageJson.version}`, { packageJson, licenseText });
  }
  const sorted = [...seen.values()].sort((a, b) => a.packageJson.name.localeCompare(b.packageJson.name));
  const header = `Third-party software in this bundle (${sorted.length} packages).\n`;
  const sections = sorted.map(({ packageJson, licenseText }) => {
    const text = licenseText?.trim() || "(the package ships no license file)";
    return `${"=".repeat(79)}\n${packageJson.name} ${packageJson.version} -- ${packageJson.license ?? "UNKNOWN"}\n\n${text}\n`;
  });
  return [header, ...sections].join("\n");
}

for (const [name, { entries: entryPoints, plugins, format = "esm", launcher }] of Object.entries(bundles)) {
  // Chunk names carry a content hash: a rebuild must not leave the previous chunks behind.
  rmSync(join(outdir, name), { recursive: true, force: true });
  await build({
    entryPoints,
    outdir: join(outdir, name),
    bundle: true,
    platform: "node",
    // node20 syntax so the bundle runs on Node 20 (tests) and Node 24 (runs.using).
    target: "node20",
    format,
    // Entries of one ESM bundle (the deploy action's main and post) share their code through chunk files.
    ...(format === "esm" ? { splitting: true, chunkNames: "chunk-[hash]" } : { outExtension: { ".js": ".cjs" } }),
    banner: { js: format === "esm" ? esmBanner : cjsBanner },
    ...(format === "cjs" ? { define: { "import.meta.url": "__slipwayImportMetaUrl" } } : {}),
    // ssh2's native helpers are optional (it falls back to pure JS when require() of them throws), so they stay out.
    external: ["*.node", "cpu-features"],
    // The notices go to THIRD-PARTY-LICENSES.txt instead of comments spread through the bundle.
    legalComments: "none",
    metafile: true,
    plugins: [
      ...plugins,
      precompiledTemplates,
      esbuildPluginLicense({
        banner: "",
        thirdParty: {
          includePrivate: false,
          output: { file: "THIRD-PARTY-LICENSES.txt", template: notices },
        },
      }),
    ],
    logLevel: "warning",
  });
  if (launcher) await buildLauncher(join(outdir, name), launcher);
}

/** The ESM entry that loads `cli.cjs`, given the bundle's sha256 (its code cache's key). No dependencies, no notices. */
async function buildLauncher(dir, entry) {
  const sha256 = createHash("sha256")
    .update(readFileSync(join(dir, "cli.cjs")))
    .digest("hex");
  await build({
    entryPoints: { index: entry },
    outdir: dir,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    define: { __SLIPWAY_CLI_SHA256__: JSON.stringify(sha256) },
    legalComments: "none",
    logLevel: "warning",
  });
}

for (const name of Object.keys(bundles)) {
  const dir = join(outdir, name);
  for (const file of readdirSync(dir).sort()) console.log(`${join(dir, file)}\t${statSync(join(dir, file)).size}`);
}
