/**
 * Slipway's own version, from Slipway's package.json: two directories up from this module both in the source
 * (src/cli/_version.ts) and in a bundle (dist/<name>/*.js), so it is right in a checkout, an npm install and an action.
 * Not `npm_package_version`: under `npm run`/`npx` in a user's project that is the user's package version.
 */
import { readFileSync } from "node:fs";

/** "0.1.0"; "unknown" when the package.json next to this install cannot be read or is not Slipway's. */
export function slipwayVersion(packageJson = new URL("../../package.json", import.meta.url)): string {
  try {
    const pkg = JSON.parse(readFileSync(packageJson, "utf8")) as { name?: string; version?: string };
    return pkg.name === "slipway" && pkg.version ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}
