/**
 * Which backups to prune: keep the newest `keep`, and never the ones tied to a protected release (the live one and
 * the previous one, which a rollback may need) nor the ones named by id in `protectIds` (those the host's release
 * history names, so `slipway releases` never shows a backup that is gone). Pure: the caller deletes what `prune`
 * lists.
 */
import { newestFirst } from "./manifest.js";
import { releaseNames } from "./naming.js";
import type { BackupManifest } from "./types.js";

export const DEFAULT_KEEP = 10;

export interface RetentionDecision {
  keep: BackupManifest[];
  prune: BackupManifest[];
  /** Kept only because their release is protected (beyond the newest N). */
  protectedKept: BackupManifest[];
}

export function selectForPruning(
  manifests: readonly BackupManifest[],
  options: {
    keep?: number;
    protectReleases?: readonly (string | null | undefined)[];
    protectIds?: readonly string[];
  },
): RetentionDecision {
  const keepCount = options.keep ?? DEFAULT_KEEP;
  if (!Number.isInteger(keepCount) || keepCount < 1)
    throw new Error(`keep must be a whole number of at least 1 (got ${keepCount})`);
  const protectedReleases = new Set<string>();
  for (const release of options.protectReleases ?? []) {
    if (release) for (const name of releaseNames(release)) protectedReleases.add(name);
  }
  const protectedIds = new Set(options.protectIds ?? []);
  const sorted = newestFirst(manifests);
  const decision: RetentionDecision = { keep: [], prune: [], protectedKept: [] };
  sorted.forEach((manifest, index) => {
    if (index < keepCount) decision.keep.push(manifest);
    else if (protectedReleases.has(manifest.release) || protectedIds.has(manifest.id)) {
      decision.keep.push(manifest);
      decision.protectedKept.push(manifest);
    } else decision.prune.push(manifest);
  });
  return decision;
}
