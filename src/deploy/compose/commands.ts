/**
 * Pure argv builders of the compose runtime: one compose project per color (`<app>-<color>`), driven with compose v2
 * (`docker compose`) or v1 (`docker-compose`), whichever the host has.
 */
import type { Writers } from "../../backup/types.js";
import { type ComposeFlavour, composeBinary } from "../../remote/facts.js";

/** `<compose> -p <project> -f <file>`; the project of a color is render's composeProjectName (`<app>-<color>`). */
export function composeBase(flavour: ComposeFlavour, project: string, file: string): string[] {
  return [...composeBinary(flavour), "-p", project, "-f", file];
}

export function composeUpArgv(base: readonly string[]): string[] {
  return [...base, "up", "--detach", "--remove-orphans"];
}

/** Starts what is not running; an existing container, stopped or running, is kept as it is (an accessory's data). */
export function composeStartMissingArgv(base: readonly string[]): string[] {
  return [...base, "up", "--detach", "--no-recreate"];
}

/** Replaces these services' containers with new ones from the file (their named volumes stay), nothing else. */
export function composeRecreateArgv(base: readonly string[], services: readonly string[]): string[] {
  return [...base, "up", "--detach", "--no-deps", "--force-recreate", "--", ...services];
}

/** The image id a container runs. */
export function containerImageArgv(container: string): string[] {
  return ["docker", "inspect", "--format", "{{.Image}}", "--", container];
}

/**
 * What an image runs, without its labels: its layers and the config fields that change a container. A rebuild of the
 * same code differs only in its `created`/`revision` labels (a new id and digest every deploy); this does not.
 */
export function imageContentArgv(image: string): string[] {
  const fields = [
    "Entrypoint",
    "Cmd",
    "Env",
    "User",
    "WorkingDir",
    "ExposedPorts",
    "Volumes",
    "Healthcheck",
    "StopSignal",
  ];
  const format = ["{{json .RootFS.Layers}}", ...fields.map((f) => `{{json .Config.${f}}}`)].join(" ");
  return ["docker", "image", "inspect", "--format", format, "--", image];
}

/** `stop` giving each container `timeoutS` seconds between SIGTERM and SIGKILL (the config's `stop_timeout`). */
export function composeStopArgv(base: readonly string[], timeoutS = 10): string[] {
  return [...base, "stop", "--timeout", String(timeoutS)];
}

export function composeLogsArgv(base: readonly string[], lines: number): string[] {
  return [...base, "logs", "--no-color", "--tail", String(lines)];
}

/** Ids of the project's running containers (compose v1 and v2 both label them with the project). */
export function runningContainersArgv(project: string): string[] {
  return ["docker", "ps", "--quiet", "--filter", `label=com.docker.compose.project=${project}`];
}

/**
 * The processes writing the database: the whole project (a compose file names every writer). `start` only starts
 * existing containers again, which is what putting the old color back needs.
 */
export function composeProjectWriters(base: readonly string[]): Writers {
  return { stop: [composeStopArgv(base)], start: [[...base, "start"]] };
}
