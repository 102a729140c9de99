/** Turns a spec's location into something a recipe can use: a path on the host, or a tool prefix target. */

import { composeContainerArgv } from "../commands/compose.js";
import { volumeMountpointArgv } from "../commands/docker.js";
import type { Resolved } from "./adapters/index.js";
import { BackupError } from "./errors.js";
import { capture, type ExecContext } from "./exec.js";
import { pathInVolume } from "./location.js";
import type { DatabaseSpec } from "./types.js";

export async function resolveLocation(ctx: ExecContext, spec: DatabaseSpec): Promise<Resolved> {
  if (spec.engine === "sqlite" || spec.engine === "duckdb") {
    const location = spec.location;
    if (location.kind === "file") return { kind: "path", path: location.path };
    const mountpoint = (
      await capture(ctx, volumeMountpointArgv(location.volume), `find the docker volume ${location.volume}`)
    ).trim();
    return { kind: "path", path: pathInVolume(mountpoint, location.path) };
  }
  const location = spec.location;
  if (location.kind === "server") return { kind: "server", where: { ...location } };
  if ("container" in location)
    return { kind: "server", where: { kind: "container", container: location.container, runAs: location.runAs } };
  const { project, service } = location.compose;
  const ids = (
    await capture(
      ctx,
      composeContainerArgv(project, service),
      `find the running container of ${project ?? "*"}/${service}`,
    )
  )
    .trim()
    .split("\n")
    .filter(Boolean);
  const container = ids[0];
  if (ids.length > 1) {
    throw new BackupError(`${ids.length} running containers match compose service ${service}`, {
      host: ctx.host.name,
      step: ctx.step,
      hint: "name the compose project (or the container) so that one database is meant",
    });
  }
  if (!container) {
    throw new BackupError(
      `no running container for compose service ${service}${project ? ` in project ${project}` : ""}`,
      {
        host: ctx.host.name,
        step: ctx.step,
        // Runtime swarm finds the accessory's task container on the manager only (docs/swarm.md).
        hint:
          `start the database service ${service} (compose: docker compose up -d ${service}; swarm: its task must run ` +
          `on the manager, where the backup looks: docker service ps ${project ? `${project}_` : ""}${service} shows its node) and retry`,
      },
    );
  }
  return { kind: "server", where: { kind: "container", container, runAs: location.runAs } };
}
