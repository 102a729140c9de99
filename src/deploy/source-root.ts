/**
 * Where a release's commit and uncommitted changes are read from (D54): the directory its code is built from, not
 * the config's when the two differ. Contexts under the release directory (`--release-dir`, default slipway.yml's
 * directory) read it, as before; a context outside it (code in another repository: an absolute `build.context`) reads
 * its own git work tree. Two work trees cannot make one release id: the deploy refuses, naming the keys. Accessories
 * (run once, never released per color) do not count.
 */
import { relative } from "node:path";
import { gitToplevel } from "../build/git_info.js";
import type { SlipwayConfig } from "../config/index.js";
import { SlipwayError } from "../errors.js";
import { serviceSources } from "./ship.js";

/** A service's code directory, and the git work tree holding it (null: outside git). */
export interface ContextRoot {
  service: string;
  dir: string;
  toplevel: string | null;
}

/** `dir` is `base` or below it. */
function under(base: string, dir: string): boolean {
  const rel = relative(base, dir);
  return rel === "" || (!rel.startsWith("..") && !rel.startsWith("/"));
}

/**
 * The one directory the release's commit is read from: `base` when every context is under it; else the work tree of
 * the contexts outside it (`toplevel` of each, the context itself outside git), which must be one, and the base's own
 * work tree when contexts are under it too (`baseToplevel`). Throws SlipwayError naming each service's context and
 * work tree when they are two or more.
 */
export function sourceRootOf(base: string, contexts: readonly ContextRoot[], baseToplevel: string | null): string {
  const outside = contexts.filter((c) => !under(base, c.dir));
  if (outside.length === 0) return base;
  const inside = contexts.length > outside.length;
  const rootOf = (c: ContextRoot) => c.toplevel ?? c.dir;
  const roots = new Set(outside.map(rootOf));
  if (inside) roots.add(baseToplevel ?? base);
  const [only] = [...roots];
  if (roots.size === 1 && only) return only;
  const named = contexts.map((c) => {
    const root = under(base, c.dir) ? (baseToplevel ?? base) : rootOf(c);
    return `services.${c.service}.build.context ${c.dir} (${c.toplevel || under(base, c.dir) ? "repository" : "directory"} ${root})`;
  });
  throw new SlipwayError(`the services' code comes from ${roots.size} repositories; a release records one commit`, {
    host: "local",
    step: "release id",
    hint: `${named.join("; ")}: build every service from one repository (a submodule or a copy), or deploy them as separate apps`,
  });
}

/**
 * The directory whose git commit and uncommitted changes a deploy of `config` records (sourceRootOf): `releaseDir`
 * (default: slipway.yml's directory) unless a build context lies outside it. Runs `git rev-parse --show-toplevel`
 * only for contexts outside it. Throws SlipwayError when the code comes from two work trees.
 */
export async function releaseSourceDir(config: SlipwayConfig, releaseDir?: string): Promise<string> {
  const base = releaseDir ?? config.source.dir;
  const sources = serviceSources(config, releaseDir);
  // An accessory (a database image built from elsewhere) is not part of a release: its context does not count.
  const built = Object.entries(config.services)
    .filter(([, spec]) => !spec.accessory && (config.runtime === "systemd" || spec.build))
    .map(([name]) => name);
  const dirs = built.map((service) => ({ service, dir: sources[service] ?? base }));
  if (dirs.every((c) => under(base, c.dir))) return base;
  const toplevels = await Promise.all(dirs.map((c) => (under(base, c.dir) ? null : gitToplevel(c.dir))));
  const baseToplevel = dirs.some((c) => under(base, c.dir)) ? await gitToplevel(base) : null;
  return sourceRootOf(
    base,
    dirs.map((c, i) => ({ ...c, toplevel: toplevels[i] ?? null })),
    baseToplevel,
  );
}
