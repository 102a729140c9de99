/**
 * Retiring what a deploy no longer needs, after the release was recorded: release directories beyond `releases.keep`,
 * the images only those releases ran (src/delivery pruneImages, when imagePruneReason says there may be one), and
 * database backups beyond `database.backups.keep` (src/backup pruneBackups). The live release and the previous one
 * (the rollback target) always keep their code, images and backups, and a backup that a release kept in the history
 * names (`slipway releases`, `rollback --restore-db`) is never pruned. A failed image or backup prune is reported,
 * never fatal: the deploy itself succeeded.
 */
import { pruneBackups } from "../backup/index.js";
import { parseImageReference, repositoryName } from "../build/reference.js";
import type { SlipwayConfig } from "../config/index.js";
import { imagePruneReason, pruneImages } from "../delivery/index.js";
import { removeUnder } from "../remote/remove.js";
import type { RemoteHost } from "../remote/types.js";
import { type ReleaseHistory, releasesToPrune } from "./history.js";
import { writeHistory } from "./host-state.js";
import { deployPaths } from "./paths.js";

/** The image repositories (without tag or digest) any release of the history ran. */
export function historyRepositories(history: ReleaseHistory): string[] {
  const repositories = new Set<string>();
  for (const record of history.releases) {
    for (const reference of Object.values(record.images ?? {})) {
      try {
        repositories.add(repositoryName(parseImageReference(reference)));
      } catch {
        // A record with an unparsable reference has nothing to prune by repository.
      }
    }
  }
  return [...repositories].sort();
}

export interface RetireInput {
  host: RemoteHost;
  config: SlipwayConfig;
  history: ReleaseHistory;
  /** The release live now and the one live before this run (kept whatever `keep` says). */
  live: string;
  previous: string | null;
  /** This run brought an image onto the host (FlowState.delivered; undefined: the runtime cannot tell). */
  delivered: boolean | undefined;
  say: (line: string) => void;
}

/** The backup ids the history's records name (the pre-deploy backup each release took). */
export function historyBackups(history: ReleaseHistory): string[] {
  return history.releases.flatMap((record) => (record.backup ? [record.backup] : []));
}

/** Prunes releases, images and backups; returns the history that remains (written to the host when it changed). */
export async function retireOld(input: RetireInput): Promise<ReleaseHistory> {
  const { host, config, live, previous, say } = input;
  const paths = deployPaths(config.deploy_dir);
  const protectedIds = [live, ...(previous ? [previous] : [])];
  const { prune, history: kept } = releasesToPrune(input.history, config.releases.keep, protectedIds);
  for (const id of prune) {
    try {
      await removeUnder(host, paths.releases, paths.release(id), { check: false, step: "prune" });
    } catch (e) {
      say(`not pruned: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (prune.length > 0) {
    await writeHistory(host, paths, kept);
    say(`pruned releases ${prune.join(", ")}`);
  }

  const repositories = historyRepositories(input.history);
  const releases = input.history.releases.map((r) => ({ id: r.id, images: Object.values(r.images ?? {}) }));
  const images = { releases, keep: config.releases.keep, live, previous };
  // The host's images are read only when the prune may find one to remove (its four docker calls cost seconds under
  // load): this run brought one, or a release that drops out of `keep` ran an image no kept release runs.
  if (repositories.length > 0 && imagePruneReason({ ...images, delivered: input.delivered }) !== null) {
    try {
      const result = await pruneImages(host, { repositories, ...images });
      if (result.removed.length > 0) say(`pruned ${result.removed.length} image(s) of releases beyond releases.keep`);
      for (const f of result.failed) say(`could not prune image ${f.id}: ${f.message}`);
    } catch (e) {
      say(`image prune failed (left for the next deploy): ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  if (config.database) {
    try {
      const decision = await pruneBackups({ host, become: true, step: "prune backups" }, config.deploy_dir, {
        keep: config.database.backups.keep,
        protectReleases: protectedIds,
        protectIds: historyBackups(kept),
        backupsDir: config.database.backups.dir,
      });
      if (decision.prune.length > 0) {
        say(
          `pruned backups ${decision.prune.map((m) => m.id).join(", ")} (database.backups.keep ${config.database.backups.keep})`,
        );
      }
    } catch (e) {
      say(`backup prune failed (left for the next deploy): ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return prune.length > 0 ? kept : input.history;
}
