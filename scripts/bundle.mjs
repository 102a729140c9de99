// Bundles each action entry into one ESM file under dist/ (what action.yml runs; checked in, as actions require).
import { build } from "esbuild";

const entries = { verify: "src/github/entry/verify.ts" };

for (const [name, entry] of Object.entries(entries)) {
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    // node20 syntax so the bundle runs on Node 20 (tests) and Node 24 (runs.using).
    target: "node20",
    format: "esm",
    outfile: `dist/${name}/index.js`,
    // Some CommonJS dependencies call require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    legalComments: "none",
    logLevel: "warning",
  });
}
