#!/usr/bin/env node
// The `slipway` command. An installed package runs the built CLI (dist/cli/index.js). A development checkout has no
// build, so it runs the TypeScript source through tsx, which is a devDependency: `npm ci` provides it.
import { existsSync } from "node:fs";

const built = new URL("../dist/cli/index.js", import.meta.url);
let cli;
if (existsSync(built)) {
  cli = await import(built.href);
} else {
  const { tsImport } = await import("tsx/esm/api");
  cli = await tsImport("../src/cli/main.ts", import.meta.url);
}
if (typeof cli.main === "function") await cli.main(process.argv);
