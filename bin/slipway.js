#!/usr/bin/env node
// The `slipway` command. A development checkout (src/ present, tsx from `npm ci`) runs the TypeScript source so it
// never runs a stale bundle; an installed package, which ships only dist/, runs the bundled CLI.
import { existsSync } from "node:fs";

const source = new URL("../src/cli/main.ts", import.meta.url);
let cli;
if (
  existsSync(source) &&
  (await import("tsx/esm/api").then(
    () => true,
    () => false,
  ))
) {
  const { tsImport } = await import("tsx/esm/api");
  cli = await tsImport(source.href, import.meta.url);
} else {
  cli = await import(new URL("../dist/cli/index.js", import.meta.url).href);
}
await cli.main(process.argv);
