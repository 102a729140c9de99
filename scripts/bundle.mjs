// Bundles each action entry into one ESM file under dist/ (what action.yml runs; checked in, as actions require).
import { build } from "esbuild";

const entries = {
  verify: "src/github/entry/verify.ts",
  deploy: "src/github/entry/deploy.ts",
  cli: "src/cli/index.ts",
};

for (const [name, entry] of Object.entries(entries)) {
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    // node20 syntax so the bundle runs on Node 20 (tests) and Node 24 (runs.using).
    target: "node20",
    format: "esm",
    outfile: `dist/${name}/index.js`,
    // CommonJS dependencies call require() and read __dirname/__filename; give the ESM bundle all three.
    banner: {
      js: [
        "import { createRequire as __slipwayCreateRequire } from 'node:module';",
        "import { dirname as __slipwayDirname } from 'node:path';",
        "import { fileURLToPath as __slipwayFileUrl } from 'node:url';",
        "const require = __slipwayCreateRequire(import.meta.url);",
        "const __filename = __slipwayFileUrl(import.meta.url);",
        "const __dirname = __slipwayDirname(__filename);",
      ].join(" "),
    },
    // ssh2's native helpers are optional (it falls back to pure JS when require() of them throws), so they stay out.
    external: ["*.node", "cpu-features"],
    legalComments: "none",
    logLevel: "warning",
  });
}
