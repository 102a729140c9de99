/**
 * Uncommitted changes in the directory a deploy ships (D27). Kamal and Capistrano ship the commit only; Slipway ships
 * the directory as it is, so a release must say when that is not the commit: it is recorded and fingerprinted as
 * `<sha>-dirty.<id>`, where the id hashes each changed path that would ship (the ship-files rules: `.env`, local
 * databases, caches... do not count) and its content. The same edits give the same id, so a re-deploy of an unchanged
 * dirty tree still changes nothing, and any further edit is a new release.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import dockerignore from "@balena/dockerignore";
import { uncommittedPaths } from "../build/git_info.js";
import { shipPatterns } from "./ship-files.js";

const ignore = dockerignore.default;

/** A 12-hex id of the shipped files under `dir` that differ from HEAD, or null when none do (or no git). */
export async function uncommittedId(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const paths = await uncommittedPaths(dir, env);
  if (!paths) return null;
  const matcher = ignore().add(shipPatterns(dir));
  const shipped = paths.filter((p) => !matcher.ignores(p));
  if (shipped.length === 0) return null;
  const hash = createHash("sha256");
  for (const path of shipped) {
    hash.update(`\0${path}\0`);
    // A deleted file hashes as its name alone.
    hash.update(await readFile(join(dir, path)).catch(() => Buffer.alloc(0)));
  }
  return hash.digest("hex").slice(0, 12);
}

/** The commit as a release records it: `<sha>` for a clean tree, `<sha>-dirty.<id>` otherwise. */
export function recordedCommit(sha: string, uncommitted: string | null): string {
  return uncommitted ? `${sha}-dirty.${uncommitted}` : sha;
}
