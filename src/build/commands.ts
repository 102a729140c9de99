/**
 * Pure builders for the docker commands run on the runner (`docker build`, push, buildx detection). Nothing here runs
 * anything: the builders return argv arrays (and the environment they need) that unit tests check by exact value.
 * Registry login and image ids are the hosts' builders too: src/commands/docker-image.ts.
 */

/** A build secret reaches BuildKit from an environment variable or a file; its value never appears in argv. */
export type BuildSecret = { id: string; env: string } | { id: string; src: string };

export interface BuildSpec {
  /** Repository without tag: `10.213.0.1:5000/shop/web`. */
  repository: string;
  /** Build context directory. */
  context: string;
  dockerfile?: string;
  target?: string;
  tags: readonly string[];
  labels: Readonly<Record<string, string>>;
  buildArgs?: Readonly<Record<string, string>>;
  secrets?: readonly BuildSecret[];
  /** `linux/amd64`, `linux/arm64`... Several need buildx (and a push: a multi-platform image cannot be loaded). */
  platforms?: readonly string[];
}

export interface BuilderChoice {
  /** `docker buildx` is installed. */
  buildx: boolean;
  /** Running inside GitHub Actions with the cache service's URL and token in the environment. */
  ghaCache: boolean;
  /** Cache scope (one per service, so services do not evict each other's cache). */
  cacheScope?: string;
  /** buildx only: push as part of the build (otherwise `--load` into the local image store). */
  push: boolean;
}

export interface LocalCommand {
  argv: string[];
  /** Extra environment for the process (never secrets' values: those are already in the caller's environment). */
  env: Record<string, string>;
}

export class BuildSpecError extends Error {}

export function dockerBuildCommand(spec: BuildSpec, builder: BuilderChoice): LocalCommand {
  const platforms = spec.platforms ?? [];
  const secrets = spec.secrets ?? [];
  if (!builder.buildx) {
    if (secrets.length > 0) {
      throw new BuildSpecError("build secrets need BuildKit (docker buildx); the classic builder cannot mount them");
    }
    if (platforms.length > 1) throw new BuildSpecError("building for several platforms needs docker buildx");
  }
  if (builder.buildx && platforms.length > 1 && !builder.push) {
    throw new BuildSpecError("a multi-platform image cannot be loaded locally: it must be pushed");
  }

  const argv = builder.buildx ? ["docker", "buildx", "build"] : ["docker", "build"];
  if (spec.dockerfile) argv.push("--file", spec.dockerfile);
  if (spec.target) argv.push("--target", spec.target);
  for (const tag of spec.tags) argv.push("--tag", `${spec.repository}:${tag}`);
  for (const [key, value] of sortedEntries(spec.labels)) argv.push("--label", `${key}=${value}`);
  for (const [key, value] of sortedEntries(spec.buildArgs ?? {})) argv.push("--build-arg", `${key}=${value}`);
  if (platforms.length > 0) argv.push("--platform", platforms.join(","));
  for (const secret of secrets) {
    argv.push("--secret", "env" in secret ? `id=${secret.id},env=${secret.env}` : `id=${secret.id},src=${secret.src}`);
  }
  if (builder.buildx) {
    if (builder.ghaCache) {
      // buildx reads the cache service's URL and token from ACTIONS_CACHE_URL / ACTIONS_RUNTIME_TOKEN itself,
      // so the token never has to be written into argv.
      const scope = builder.cacheScope ? `,scope=${builder.cacheScope}` : "";
      argv.push("--cache-from", `type=gha${scope}`, "--cache-to", `type=gha${scope},mode=max`);
    }
    argv.push(builder.push ? "--push" : "--load");
  }
  argv.push(spec.context);
  return { argv, env: builder.buildx ? {} : { DOCKER_BUILDKIT: "0" } };
}

/** The classic builder pushes each tag separately (buildx pushes during the build). */
export function dockerPushArgv(repository: string, tag: string): string[] {
  return ["docker", "push", `${repository}:${tag}`];
}

export function buildxVersionArgv(): string[] {
  return ["docker", "buildx", "version"];
}

/** True inside GitHub Actions when the cache service can be used by `type=gha`. */
export function ghaCacheAvailable(env: NodeJS.ProcessEnv): boolean {
  return (
    env.GITHUB_ACTIONS === "true" &&
    Boolean(env.ACTIONS_RUNTIME_TOKEN) &&
    Boolean(env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL)
  );
}

function sortedEntries(record: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
