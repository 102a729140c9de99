import {
  containerImagesArgv,
  inspectImagesArgv,
  listContainersArgv,
  listRepositoryImagesArgv,
  removeImageArgv,
} from "../commands/docker-image.js";
import type { RemoteHost } from "../remote/types.js";
import { type HostImage, type PrunePlan, planImagePrune, type ReleaseImages } from "./prune_plan.js";

export interface PruneOptions {
  /** The app's image repositories (only their images are ever considered). */
  repositories: readonly string[];
  releases: readonly ReleaseImages[];
  keep: number;
  live: string | null;
  previous: string | null;
  /** Plan only (check mode). */
  dryRun?: boolean;
}

export interface PruneResult {
  plan: PrunePlan;
  removed: string[];
  /** Images docker refused to remove (e.g. still used), with its message: reported, not fatal. */
  failed: { id: string; message: string }[];
}

export async function pruneImages(host: RemoteHost, options: PruneOptions): Promise<PruneResult> {
  const hostImages = await listHostImages(host, options.repositories);
  const inUse = await containerImageIds(host);
  const plan = planImagePrune({ ...options, hostImages, inUse });
  const result: PruneResult = { plan, removed: [], failed: [] };
  if (options.dryRun) return result;
  for (const image of plan.remove) {
    const references = [...image.repoTags, ...image.repoDigests];
    const run = await host.exec(removeImageArgv(references.length > 0 ? references : [image.id]), {
      step: "prune images",
      check: false,
    });
    if (run.code === 0) result.removed.push(image.id);
    else result.failed.push({ id: image.id, message: run.stderr.trim() });
  }
  return result;
}

export async function listHostImages(host: RemoteHost, repositories: readonly string[]): Promise<HostImage[]> {
  const ids = new Set<string>();
  for (const repository of repositories) {
    const listed = await host.exec(listRepositoryImagesArgv(repository), { step: "list images" });
    for (const id of listed.stdout.split("\n").map((line) => line.trim())) if (id) ids.add(id);
  }
  if (ids.size === 0) return [];
  const inspected = await host.exec(inspectImagesArgv([...ids]), { step: "inspect images" });
  return parseImageInspect(inspected.stdout);
}

export function parseImageInspect(json: string): HostImage[] {
  const raw = JSON.parse(json) as { Id: string; RepoTags?: string[] | null; RepoDigests?: string[] | null }[];
  return raw.map((image) => ({ id: image.Id, repoTags: image.RepoTags ?? [], repoDigests: image.RepoDigests ?? [] }));
}

async function containerImageIds(host: RemoteHost): Promise<string[]> {
  const listed = await host.exec(listContainersArgv(), { step: "list containers" });
  const containers = listed.stdout.split("\n").filter((line) => line.trim() !== "");
  if (containers.length === 0) return [];
  const inspected = await host.exec(containerImagesArgv(containers), { step: "inspect containers", check: false });
  return inspected.stdout.split("\n").filter((line) => line.startsWith("sha256:"));
}
