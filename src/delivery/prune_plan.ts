import { parseImageReference, repositoryName } from "../build/reference.js";

/** The images one release ran: digest references, tags, or image ids. */
export interface ReleaseImages {
  id: string;
  images: readonly string[];
}

/** An image on the host, as `docker image inspect` reports it. */
export interface HostImage {
  id: string;
  repoTags: readonly string[];
  repoDigests: readonly string[];
}

export interface PrunePlanInput {
  /** Release history, oldest first. */
  releases: readonly ReleaseImages[];
  /** How many of the most recent releases keep their images. */
  keep: number;
  /** The release serving now and the one before it: always kept, whatever `keep` says. */
  live: string | null;
  previous: string | null;
  /** Images of the app's repositories on the host. */
  hostImages: readonly HostImage[];
  /** Image ids some container (running or stopped) was created from. */
  inUse: readonly string[];
}

export interface PrunePlan {
  keep: HostImage[];
  remove: HostImage[];
  /** Why each kept image is kept (image id -> reasons), for the plan output. */
  reasons: Record<string, string[]>;
}

/**
 * Which images to delete: every image of the app's repositories that no kept release uses and no container uses.
 * Kept releases are the last `keep` ones plus the live and previous release, so a rollback always finds its image.
 */
export function planImagePrune(input: PrunePlanInput): PrunePlan {
  const keptReleases = keptReleaseReasons(input);
  const wanted: { reference: string; reason: string }[] = [];
  for (const release of input.releases) {
    const reason = keptReleases.get(release.id);
    if (reason) for (const reference of release.images) wanted.push({ reference: normalize(reference), reason });
  }
  const inUse = new Set(input.inUse);

  const plan: PrunePlan = { keep: [], remove: [], reasons: {} };
  for (const image of input.hostImages) {
    const names = new Set([image.id, ...image.repoTags.map(normalize), ...image.repoDigests.map(normalize)]);
    const reasons = wanted.filter((want) => names.has(want.reference)).map((want) => want.reason);
    if (inUse.has(image.id)) reasons.push("a container uses it");
    if (reasons.length > 0) {
      plan.keep.push(image);
      plan.reasons[image.id] = [...new Set(reasons)];
    } else {
      plan.remove.push(image);
    }
  }
  return plan;
}

/** The releases whose images stay (release id -> why): the last `keep`, the live one and the previous one. */
function keptReleaseReasons(input: KeptReleasesInput): Map<string, string> {
  if (!Number.isInteger(input.keep) || input.keep < 0) throw new Error(`keep must be a whole number >= 0`);
  const kept = new Map<string, string>();
  for (const release of input.keep > 0 ? input.releases.slice(-input.keep) : []) {
    kept.set(release.id, `release ${release.id} is among the last ${input.keep}`);
  }
  if (input.live) kept.set(input.live, `release ${input.live} is live`);
  if (input.previous && !kept.has(input.previous)) {
    kept.set(input.previous, `release ${input.previous} is the previous one (rollback target)`);
  }
  return kept;
}

export type KeptReleasesInput = Pick<PrunePlanInput, "releases" | "keep" | "live" | "previous">;

export interface PruneNeedInput extends KeptReleasesInput {
  /**
   * This run put an image on the host (a pull or an SSH stream, as the runtime's stage reports it); undefined: the
   * runtime cannot tell (swarm: the engine pulls on its nodes).
   */
  delivered: boolean | undefined;
}

/**
 * Why the image prune must read the host (four docker calls, 0.2-0.9 s each on a loaded host), or null when it
 * could remove nothing the history names: this run brought no image and every image a release of the history ran is
 * one a kept release runs too. An image no record names (its release dropped while a container still used it) waits
 * for the next run that brings an image.
 */
export function imagePruneReason(input: PruneNeedInput): string | null {
  if (input.delivered === undefined) return "the runtime does not say whether this run brought an image";
  if (input.delivered) return "this run brought an image onto the host";
  const kept = keptReleaseReasons(input);
  const wanted = new Set(
    input.releases.filter((r) => kept.has(r.id)).flatMap((r) => r.images.map((image) => normalize(image))),
  );
  for (const release of input.releases) {
    if (kept.has(release.id)) continue;
    const dropped = release.images.find((image) => !wanted.has(normalize(image)));
    if (dropped) return `release ${release.id} is no longer kept and ran ${dropped}`;
  }
  return null;
}

/** `nginx@sha256:..` and `docker.io/library/nginx@sha256:..` are the same image; ids stay as they are. */
function normalize(reference: string): string {
  if (reference.startsWith("sha256:")) return reference;
  try {
    const parsed = parseImageReference(reference);
    const name = repositoryName(parsed);
    if (parsed.digest) return `${name}@${parsed.digest}`;
    return `${name}:${parsed.tag ?? "latest"}`;
  } catch {
    return reference;
  }
}
