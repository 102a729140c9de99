/** Stop/start commands for the usual kinds of app, so a restore (or DuckDB's copy) can pause the writers. */
import type { Writers } from "./types.js";

export function systemdWriters(units: readonly string[]): Writers {
  return { stop: [["systemctl", "stop", ...units]], start: [["systemctl", "start", ...units]] };
}

export function containerWriters(containers: readonly string[]): Writers {
  return { stop: [["docker", "stop", ...containers]], start: [["docker", "start", ...containers]] };
}

/** Compose v2 (`docker compose`) or v1 (`docker-compose`), as the host's facts say. */
export function composeWriters(project: string, services: readonly string[], flavour: "v2" | "v1" = "v2"): Writers {
  const base = flavour === "v2" ? ["docker", "compose", "-p", project] : ["docker-compose", "-p", project];
  return { stop: [[...base, "stop", ...services]], start: [[...base, "start", ...services]] };
}
