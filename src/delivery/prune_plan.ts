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
  if (!Number.isInteger(input.keep) || input.keep < 0) throw new Error(`keep must be a whole number >= 0`);
  const keptReleases = new Map<string, string>();
  for (const release of input.keep > 0 ? input.releases.slice(-input.keep) : []) {
    keptReleases.set(release.id, `release ${release.id} is among the last ${input.keep}`);
  }
  if (input.live) keptReleases.set(input.live, `release ${input.live} is live`);
  if (input.previous && !keptReleases.has(input.previous)) {
    keptReleases.set(input.previous, `release ${input.previous} is the previous one (rollback target)`);
  }

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
