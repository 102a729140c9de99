/**
 * Keys slipway.yml once had: found in a file, validate says what to write instead (at the key's file:line:col)
 * rather than "unknown key". `*` matches any one map key (a service's name).
 */
import type { PathSegment } from "./yaml-positions.js";

const REMOVED: ReadonlyArray<{ path: readonly string[]; message: string }> = [
  {
    path: ["services", "*", "public"],
    message:
      "was removed: it changed nothing. A service is reached through nginx when a `proxy.routes` entry (or `proxy.api_subdomain`) names it, and only then; delete this line (a worker or a database simply has no route)",
  },
];

/** The migration message of a removed key at `path`, or undefined for a key that never existed. */
export function removedKeyMessage(path: readonly PathSegment[]): string | undefined {
  return REMOVED.find((r) => r.path.length === path.length && r.path.every((p, i) => p === "*" || p === path[i]))
    ?.message;
}
