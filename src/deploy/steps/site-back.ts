/**
 * The nginx site as it served before this run (D84): the preview's setup installs the site this config renders (on the
 * live color), the switch installs it again on the new color. Each keeps what it changed here, every path with its
 * content before the first of them; the undo that runs first (the switch's, else the preview's or the gate's, which
 * starts the setup) puts those contents back byte for byte and reloads. Re-rendering instead would keep this config's
 * site: a changed `proxy.domains` then left the app's own name unserved. The certificate step keeps its own changes.
 */
import type { FileChange } from "../../install/validated.js";
import { keepSiteBefore, restoreSiteFiles } from "../nginx.js";
import type { FlowState } from "./types.js";

/** Adds what an install of the site changed to what the run keeps (a path's first previous content wins). */
export function keepSite(s: FlowState, files: readonly FileChange[]): void {
  if (files.length > 0) s.siteChanges = keepSiteBefore(s.siteChanges, files);
}

/**
 * Puts the kept files back, validated and reloaded (throws as reloadNginx does), and forgets them. Resolves false,
 * doing nothing, when nothing is kept.
 */
export async function putSiteBack(s: FlowState, step: string): Promise<boolean> {
  const kept = s.siteChanges ?? [];
  if (kept.length === 0) return false;
  // Forgotten first: a failed put-back is not tried again by the next undo (its error is this one's).
  s.siteChanges = undefined;
  await restoreSiteFiles(s.run.host, kept, step);
  s.say("put back the nginx site as it was before this run");
  return true;
}
