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
