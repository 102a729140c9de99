/**
 * Images of a container deploy, built on the runner: every service with a `build` section is built (src/build). With
 * the registry delivery it is pushed (logged in with image.username/password_secret when set) and deployed by digest;
 * an image the registry already has for this commit is neither built nor pushed. With `image.delivery: ssh` nothing is
 * pushed: the hosts run the local `<repository>:<commit>` tag, streamed to them at stage time.
 */
import { isAbsolute, join } from "node:path";
import { buildImages } from "../../build/build_images.js";
import { imagesFromConfig } from "../../build/from_config.js";
import { detectGitInfo, type GitInfo } from "../../build/git_info.js";
import { runLocal } from "../../build/local.js";
import { imageIdArgv } from "../../commands/docker-image.js";
import type { SlipwayConfig } from "../../config/index.js";
import { SlipwayError } from "../../errors.js";
import { serviceSources } from "../ship.js";
import { deliveryMethod, registryLogin } from "./delivery.js";

export interface DeployBuildOptions {
  commit: string;
  /** Where the build contexts are read from; default: slipway.yml's directory. */
  releaseDir?: string;
  /** Where the commit was read (deploy/source-root.ts releaseSourceDir); default: releaseDir. */
  gitDir?: string;
  insecure?: boolean;
  /** Secret values by variable name: the registry password is `secrets[image.password_secret]`. */
  secrets?: Readonly<Record<string, string>>;
  report: (line: string) => void;
}

function gitDirOf(config: SlipwayConfig, options: DeployBuildOptions): string {
  return options.gitDir ?? options.releaseDir ?? config.source.dir;
}

export async function buildForDeploy(
  config: SlipwayConfig,
  options: DeployBuildOptions,
): Promise<Record<string, string>> {
  // The loader made each build.context absolute (relative to slipway.yml): re-base it on releaseDir, as ship.ts does.
  const contexts = serviceSources(config, options.releaseDir);
  const images = imagesFromConfig(config, config.source.dir).map((image) => {
    const context = contexts[image.service] ?? image.context;
    const dockerfile = config.services[image.service]?.build?.dockerfile ?? "Dockerfile";
    return { ...image, context, dockerfile: isAbsolute(dockerfile) ? dockerfile : join(context, dockerfile) };
  });
  if (images.length === 0) return {};
  // Images are tagged by the full commit: a directory outside git (right after `slipway init`) has none.
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})(-dirty\.[0-9a-f]+)?$/.test(options.commit)) {
    throw new SlipwayError(`${gitDirOf(config, options)} has no git commit to tag the images with`, {
      step: "build",
      hint: "commit the app first (git init && git add -A && git commit -m 'first deploy'), or pass --image SERVICE=REF",
    });
  }
  const detected = await detectGitInfo(gitDirOf(config, options)).catch(() => null);
  const git: GitInfo = {
    commitSha: options.commit,
    branch: config.image.tag_branch ? (detected?.branch ?? null) : null,
    source: detected?.source ?? null,
  };
  const registry = config.image.registry?.split("/")[0];
  const push = deliveryMethod(config.image) === "registry";
  const credentials = registryLogin(config.image, options.secrets ?? {});
  // Without a push the registry cannot tell what exists: the runner's own commit tag does (a rebuild would get a new
  // image id, from the build's `created` label, and restart an unchanged release).
  const local = push ? {} : await localCommitImages(images, options.commit);
  const built = await buildImages(
    images.filter((image) => !local[image.service]),
    {
      git,
      push,
      latest: config.image.tag_latest,
      registries: registry ? { [registry]: { insecure: options.insecure, credentials } } : undefined,
      onLine: (service, line) => options.report(`  build ${service}: ${line}`),
    },
  );
  for (const [service, reference] of Object.entries(local))
    options.report(`image ${service}: ${reference} (already built on this machine)`);
  for (const image of built)
    options.report(`image ${image.service}: ${image.reference}${image.skipped ? " (already pushed)" : ""}`);
  return { ...local, ...Object.fromEntries(built.map((image) => [image.service, image.reference])) };
}

/** `<repository>:<commit>` by service, for the images the runner's docker already has. */
async function localCommitImages(
  images: readonly { service: string; repository: string }[],
  commit: string,
): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const image of images) {
    const reference = `${image.repository}:${commit}`;
    const result = await runLocal(imageIdArgv(reference), { check: false, step: "image id" });
    if (result.code === 0) found[image.service] = reference;
  }
  return found;
}
