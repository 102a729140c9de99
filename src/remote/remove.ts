/**
 * The one way the deploy removes a directory tree on a host: only a path strictly under `parent`, written without
 * `.`/`..` segments, so an id read from a tampered releases.json (or a bad `--release-id`) cannot widen the removal.
 */
import { posix } from "node:path";
import { SlipwayError } from "../errors.js";
import type { ExecOptions, RemoteHost } from "./types.js";

/** True when `path` is an absolute, normalized path strictly below the absolute directory `parent`. */
export function isStrictlyUnder(parent: string, path: string): boolean {
  const dir = parent.replace(/\/+$/, "");
  if (!dir.startsWith("/") || !path.startsWith(`${dir}/`)) return false;
  const rest = path.slice(dir.length + 1);
  return (
    rest !== "" && posix.normalize(path) === path && !rest.split("/").some((s) => s === "" || s === "." || s === "..")
  );
}

/** Throws (a SlipwayError naming host and step) unless isStrictlyUnder(parent, path): before any `rm -rf` of path. */
export function assertStrictlyUnder(hostName: string, parent: string, path: string, step?: string): void {
  if (!isStrictlyUnder(parent, path)) {
    throw new SlipwayError(`refusing to remove ${path}: it is not inside ${parent}`, {
      host: hostName,
      step,
      hint: "an id in releases.json or a --release-id is not one path segment; fix releases.json by hand",
    });
  }
}

/** `rm -rf -- path` after isStrictlyUnder(parent, path); throws (removing nothing) when the path escapes. */
export async function removeUnder(
  host: RemoteHost,
  parent: string,
  path: string,
  options: Pick<ExecOptions, "become" | "check" | "step"> = {},
): Promise<void> {
  assertStrictlyUnder(host.name, parent, path, options.step);
  await host.exec(["rm", "-rf", "--", path], options);
}
