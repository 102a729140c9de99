/**
 * Pure builders of the container runtime: container names, labels and the `docker run` argv of one service and color.
 * The argv carries a `slipway.spec` label (a hash of everything else in it), so a later deploy can tell whether the
 * running container already is the one it would start.
 */
import { type ContainerRun, containerCommandArgv, containerRunArgv, containerRunBase } from "../../commands/docker.js";
import { type Color, colorPort, type ServiceConfig, type SlipwayConfig } from "../../config/index.js";
import { SlipwayError } from "../../errors.js";
import { logRotation } from "../../render/from-config/common.js";
import { serviceImageRef } from "../../render/from-config/index.js";

/**
 * `<app>-<service>-<color>`: the backup CLI (src/backup/writers.ts) names container writers the same way. Instance
 * `i` > 0 of a load-balanced service (`proxy.load_balance.<service>.instances`) is `<app>-<service>-<color>-<i+1>`.
 */
export function containerName(app: string, service: string, color: Color, instance = 0): string {
  return instance === 0 ? `${app}-${service}-${color}` : `${app}-${service}-${color}-${instance + 1}`;
}

export function containerLabels(app: string, color: Color, releaseId: string): Record<string, string> {
  return { "slipway.app": app, "slipway.color": color, "slipway.release": releaseId };
}

export interface RunSpecInput {
  app: string;
  service: string;
  config: Pick<ServiceConfig, "port" | "ports" | "volumes" | "command" | "resources" | "container" | "logs">;
  color: Color;
  releaseId: string;
  /** What to run, ideally `repo@sha256:...`. */
  image: string;
  envFile: string;
  /** Instance of a load-balanced service (0-based): its own name and host port `color port + instance`. */
  instance?: number;
  /** Host files mounted read-only (the service's rendered config files). */
  files?: Array<{ source: string; target: string }>;
  /** Host address the port is published on (config/layout.ts listenAddress). Default: 127.0.0.1. */
  bindAddress?: string;
}

/**
 * The container of one service, color and instance: its port on 127.0.0.1 only (or on the address nginx on another
 * host reaches it at), the config's volumes, limits, labels.
 */
export function containerRunOf(input: RunSpecInput): ContainerRun {
  const { config } = input;
  return {
    name: containerName(input.app, input.service, input.color, input.instance ?? 0),
    restart: "unless-stopped",
    security: hardeningArgs(config.container),
    envFile: input.envFile,
    // A worker (no port) publishes nothing.
    publish:
      config.port === undefined
        ? []
        : [`${input.bindAddress ?? "127.0.0.1"}:${colorPort(config, input.color, input.instance ?? 0)}:${config.port}`],
    volumes: [...config.volumes, ...(input.files ?? []).map((f) => `${f.source}:${f.target}:ro`)],
    limits: [
      ...(config.resources?.memory ? ["--memory", config.resources.memory] : []),
      ...(config.resources?.cpus !== undefined ? ["--cpus", String(config.resources.cpus)] : []),
      ...(config.resources?.nofile !== undefined
        ? ["--ulimit", `nofile=${config.resources.nofile}:${config.resources.nofile}`]
        : []),
    ],
    logging: logRotation(config.logs, `services.${input.service}`),
    labels: containerLabels(input.app, input.color, input.releaseId),
    image: input.image,
    command: containerCommandArgv(config.command),
  };
}

/** Everything but the spec label (commands/docker.ts containerRunBase). */
export function baseRunArgv(input: RunSpecInput): string[] {
  return containerRunBase(containerRunOf(input));
}

/**
 * No capability but those the service lists, no privilege gained through setuid binaries, and optionally a non-root
 * user and a read-only root filesystem (with a private /tmp, which most servers need).
 */
export function hardeningArgs(container: ServiceConfig["container"]): string[] {
  return [
    "--cap-drop",
    "ALL",
    ...(container?.capabilities ?? []).flatMap((cap) => ["--cap-add", cap]),
    "--security-opt",
    "no-new-privileges",
    ...(container?.user ? ["--user", container.user] : []),
    ...(container?.read_only ? ["--read-only", "--tmpfs", "/tmp"] : []),
  ];
}

/** The `docker run` argv with its `slipway.spec` label (inserted before the image). */
export function dockerRunArgv(input: RunSpecInput): { argv: string[]; spec: string } {
  return containerRunArgv(containerRunOf(input));
}

/** Image of a service: the deploy's image map (built and pushed digests) first, else `image:` from slipway.yml. */
export function serviceImage(config: SlipwayConfig, service: string, images: Record<string, string>): string {
  const image = serviceImageRef(config, service, images);
  if (!image) {
    throw new SlipwayError(`no image for service ${service}`, {
      step: "stage",
      hint: "give the service `image:` in slipway.yml, or deploy with images built by `slipway build` (DeployOptions.images)",
    });
  }
  return image;
}

/** `releases/<id>/images.json`: what the release ran, so `current` points at a real directory. */
export function releaseManifest(releaseId: string, images: Record<string, string>): string {
  return `${JSON.stringify({ release: releaseId, images }, null, 2)}\n`;
}
