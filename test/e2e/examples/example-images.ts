// The example apps' images and the docker argv that builds and runs them. Pure: the e2e test runs these argv,
// the unit test checks them by exact value.

export type BrokenMode = "unhealthy" | "after-switch" | "crash";

export interface ExampleImage {
  /** Short name, used in image tags and container names. */
  name: string;
  /** Build context (the directory holding the Dockerfile), relative to the repository root. */
  context: string;
  /** Port the app listens on inside the container. */
  port: number;
  healthPath: string;
  /** The route users hit; it answers 500 in a BROKEN=after-switch build while health stays 200. */
  publicPath: string;
}

export const EXAMPLE_IMAGES: readonly ExampleImage[] = [
  {
    name: "harvest-backend",
    context: "examples/harvest/backend",
    port: 5001,
    healthPath: "/api/health",
    publicPath: "/api/harvests",
  },
  {
    name: "harvest-frontend",
    context: "examples/harvest/frontend",
    port: 8050,
    healthPath: "/health",
    publicPath: "/",
  },
  {
    name: "duckdb-backend",
    context: "examples/duckdb-compose/backend",
    port: 12015,
    healthPath: "/api/health",
    publicPath: "/api/items",
  },
  {
    name: "duckdb-frontend",
    context: "examples/duckdb-compose/frontend",
    port: 12016,
    healthPath: "/health",
    publicPath: "/",
  },
  {
    name: "flask-docker",
    context: "examples/flask-docker",
    port: 8887,
    healthPath: "/api/health",
    publicPath: "/api/notes",
  },
];

/** Every name the e2e test creates starts with this, so its cleanup can never touch anything else. */
export const E2E_PREFIX = "slipway-e2e-example";

export function imageTag(example: ExampleImage, variant: BrokenMode | "ok"): string {
  return `${E2E_PREFIX}-${example.name}:${variant}`;
}

export function containerName(example: ExampleImage, variant: BrokenMode | "ok", suffix = ""): string {
  return `${E2E_PREFIX}-${example.name}-${variant}${suffix ? `-${suffix}` : ""}`;
}

export function versionFor(example: ExampleImage, variant: BrokenMode | "ok"): string {
  return `e2e-${example.name}-${variant}`;
}

/** `docker build` argv for one variant; run it with DOCKER_BUILDKIT=0 (no buildx on Debian 12). */
export function dockerBuildArgs(example: ExampleImage, variant: BrokenMode | "ok"): string[] {
  const args = ["build", "--quiet", "--tag", imageTag(example, variant)];
  args.push("--build-arg", `APP_VERSION=${versionFor(example, variant)}`);
  if (variant !== "ok") args.push("--build-arg", `BROKEN=${variant}`);
  args.push(example.context);
  return args;
}

export interface RunOptions {
  /** Extra `-v` mounts, e.g. `["slipway-e2e-example-data:/app/data"]`. */
  volumes?: string[];
  suffix?: string;
}

/** `docker run` argv: detached, the app port published on a docker-chosen loopback port only. */
export function dockerRunArgs(example: ExampleImage, variant: BrokenMode | "ok", options: RunOptions = {}): string[] {
  const args = ["run", "--detach", "--name", containerName(example, variant, options.suffix)];
  args.push("--publish", `127.0.0.1::${example.port}`);
  for (const volume of options.volumes ?? []) args.push("--volume", volume);
  args.push(imageTag(example, variant));
  return args;
}

/** Parses `docker port NAME PORT/tcp` output ("127.0.0.1:49153") into the host port. */
export function parsePublishedPort(output: string): number {
  const match = /^127\.0\.0\.1:(\d+)$/m.exec(output.trim());
  if (!match?.[1]) throw new Error(`expected a 127.0.0.1:PORT mapping from docker port, got: ${output.trim()}`);
  return Number(match[1]);
}
