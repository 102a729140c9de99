import { imageIdArgv } from "../commands/docker-image.js";
import { SlipwayError } from "../errors.js";
import {
  type BuildSecret,
  BuildSpecError,
  buildxVersionArgv,
  dockerBuildCommand,
  dockerPushArgv,
  ghaCacheAvailable,
} from "./commands.js";
import type { GitInfo } from "./git_info.js";
import { ociLabels } from "./labels.js";
import { runLocal } from "./local.js";
import { loginRunner, logoutRunner, runnerCredentials } from "./login.js";
import { digestReference, parseImageReference } from "./reference.js";
import { headManifest, type RegistryCredentials } from "./registry.js";
import { imageTags } from "./tags.js";

/** One service's image to build. */
export interface ImageToBuild {
  service: string;
  /** Repository without tag, e.g. `10.213.0.1:5000/shop/web`. */
  repository: string;
  context: string;
  dockerfile?: string;
  target?: string;
  buildArgs?: Record<string, string>;
  secrets?: BuildSecret[];
  platforms?: string[];
}

export interface BuildOptions {
  git: GitInfo;
  latest?: boolean;
  /** Push to the registry (default true). Without a push nothing is asked of the registry. */
  push?: boolean;
  /** Per registry host: plain http and credentials. */
  registries?: Record<string, { insecure?: boolean; credentials?: Partial<RegistryCredentials> }>;
  /** Force a builder ("auto" detects buildx). */
  builder?: "auto" | "buildx" | "classic";
  env?: NodeJS.ProcessEnv;
  onLine?: (service: string, line: string) => void;
  now?: () => Date;
}

export interface BuiltImage {
  service: string;
  repository: string;
  tags: string[];
  /** Registry manifest digest (null for a build that was not pushed). */
  digest: string | null;
  /** What hosts should run: `repo@sha256:...` when pushed, `repo:<sha>` otherwise. */
  reference: string;
  /** Local image id (null when the build was skipped or buildx pushed without loading). */
  imageId: string | null;
  /** True when the registry already had this commit's tag: nothing was built or pushed. */
  skipped: boolean;
  durationMs: number;
}

/**
 * Builds and pushes each image; an image whose commit tag is already in the registry is neither built nor pushed.
 * Logs in to each registry that has credentials before the first push and logs out afterwards, on every exit path.
 */
export async function buildImages(images: readonly ImageToBuild[], options: BuildOptions): Promise<BuiltImage[]> {
  const env = options.env ?? process.env;
  const push = options.push ?? true;
  const tags = imageTags({ commitSha: options.git.commitSha, branch: options.git.branch, latest: options.latest });
  const loggedIn = new Set<string>();
  let buildx: boolean | undefined;
  const results: BuiltImage[] = [];
  try {
    for (const image of images) {
      const started = Date.now();
      const registry = parseImageReference(image.repository).registry;
      const registryConfig = options.registries?.[registry] ?? {};
      const credentials = runnerCredentials(registry, registryConfig.credentials, env);
      const query = { insecure: registryConfig.insecure, credentials: credentials ?? undefined };
      const commitRef = `${image.repository}:${options.git.commitSha}`;

      if (push) {
        const existing = await headManifest(commitRef, query);
        if (existing) {
          results.push({
            service: image.service,
            repository: image.repository,
            tags,
            digest: existing.digest,
            reference: digestReference(image.repository, existing.digest),
            imageId: null,
            skipped: true,
            durationMs: Date.now() - started,
          });
          continue;
        }
        if (credentials && !loggedIn.has(registry)) {
          await loginRunner(registry, credentials);
          loggedIn.add(registry);
        }
      }

      buildx ??= await chooseBuildx(options.builder ?? "auto");
      const command = buildCommand(image, tags, options, buildx, push, env);
      const onLine = options.onLine ? (line: string) => options.onLine?.(image.service, line) : undefined;
      await runLocal(command.argv, {
        env: command.env,
        onLine,
        step: `build ${image.service}`,
        hint: "read the build output above; fix the Dockerfile or the context and run again",
      });
      if (push && !buildx) {
        for (const tag of tags) {
          await runLocal(dockerPushArgv(image.repository, tag), {
            onLine,
            step: `push ${image.service}`,
            hint: `check that this machine can reach ${registry} and is allowed to push to ${image.repository}`,
          });
        }
      }
      const imageId = await localImageId(commitRef);
      let digest: string | null = null;
      if (push) {
        const pushed = await headManifest(commitRef, query);
        if (!pushed) {
          throw new SlipwayError(`the registry does not show ${commitRef} after the push`, {
            host: registry,
            step: `push ${image.service}`,
            hint: "check the registry's storage and logs",
          });
        }
        digest = pushed.digest;
      }
      results.push({
        service: image.service,
        repository: image.repository,
        tags,
        digest,
        reference: digest ? digestReference(image.repository, digest) : commitRef,
        imageId,
        skipped: false,
        durationMs: Date.now() - started,
      });
    }
  } finally {
    for (const registry of loggedIn) await logoutRunner(registry);
  }
  return results;
}

/** `web  10.213.0.1:5000/shop/web@sha256:...  (built in 12.3 s)`: one line per image. */
export function formatBuiltImages(images: readonly BuiltImage[]): string {
  return images
    .map((image) => {
      const how = image.skipped
        ? "already in the registry: not rebuilt"
        : `built in ${(image.durationMs / 1000).toFixed(1)} s`;
      return `${image.service}  ${image.reference}  (${how})`;
    })
    .join("\n");
}

function buildCommand(
  image: ImageToBuild,
  tags: string[],
  options: BuildOptions,
  buildx: boolean,
  push: boolean,
  env: NodeJS.ProcessEnv,
) {
  const labels = ociLabels({
    source: options.git.source,
    revision: options.git.commitSha,
    created: (options.now ?? (() => new Date()))(),
  });
  try {
    return dockerBuildCommand(
      {
        repository: image.repository,
        context: image.context,
        dockerfile: image.dockerfile,
        target: image.target,
        tags,
        labels,
        buildArgs: image.buildArgs,
        secrets: image.secrets,
        platforms: image.platforms,
      },
      { buildx, ghaCache: ghaCacheAvailable(env), cacheScope: image.service, push },
    );
  } catch (error) {
    if (!(error instanceof BuildSpecError)) throw error;
    throw new SlipwayError(error.message, {
      host: "local",
      step: `build ${image.service}`,
      hint: "install docker buildx on the runner, or drop the option that needs it",
    });
  }
}

async function chooseBuildx(builder: "auto" | "buildx" | "classic"): Promise<boolean> {
  if (builder !== "auto") return builder === "buildx";
  const result = await runLocal(buildxVersionArgv(), { check: false, step: "detect buildx" });
  return result.code === 0;
}

async function localImageId(reference: string): Promise<string | null> {
  const result = await runLocal(imageIdArgv(reference), { check: false, step: "image id" });
  return result.code === 0 ? result.stdout.trim() : null;
}
