/** Stop/start commands for the usual kinds of app, so a restore (or DuckDB's copy) can pause the writers. */

import { composeBase, composeBinary, composeStopArgv } from "../commands/compose.js";
import { containersArgv } from "../commands/docker.js";
import { serviceScaleArgv } from "../commands/swarm.js";
import { systemctlArgv } from "../commands/systemd.js";
import type { ComposeFlavour } from "../remote/facts.js";
import type { Writers } from "./types.js";

export function systemdWriters(units: readonly string[]): Writers {
  return { stop: [systemctlArgv("stop", units)], start: [systemctlArgv("start", units)] };
}

export function containerWriters(containers: readonly string[]): Writers {
  return { stop: [containersArgv("stop", containers)], start: [containersArgv("start", containers)] };
}

/** Compose v2 (`docker compose`) or v1 (`docker-compose`), as the host's facts say. */
export function composeWriters(project: string, services: readonly string[], flavour: ComposeFlavour = "v2"): Writers {
  const base = [...composeBinary(flavour), "-p", project];
  return { stop: [[...base, "stop", ...services]], start: [[...base, "start", ...services]] };
}

/**
 * The compose runtime's writers: the whole project of a color (a compose file names every writer). `start` only
 * starts existing containers again, which is what putting the old color back needs. `base` is composeBase's argv.
 */
export function composeProjectWriters(base: readonly string[]): Writers {
  return { stop: [composeStopArgv(base)], start: [[...base, "start"]] };
}

/**
 * Runtime swarm's writers: every service of the color's stack scaled to 0 tasks and back to one. A service the
 * config runs with more replicas gets them back with the next deploy; a backup needs the writers stopped, not the
 * count kept.
 */
export function swarmStackWriters(stack: string, services: readonly string[], replicas = 1): Writers {
  const names = services.map((s) => `${stack}_${s}`);
  return {
    stop: names.map((n) => serviceScaleArgv(n, 0)),
    start: names.map((n) => serviceScaleArgv(n, replicas)),
  };
}

/**
 * The live color's processes, named as the render layer names them (systemd instance units, compose projects per
 * color) or, for the container runtime, `<app>-<service>-<color>`. Services that are the database itself are left out.
 */
export function writersForRuntime(input: {
  runtime: "container" | "compose" | "systemd" | "swarm";
  app: string;
  services: readonly string[];
  color: "blue" | "green";
  composeFlavour?: ComposeFlavour;
  /** The systemd units of a service in the color (several for a load-balanced one). */
  unitName: (service: string) => string | string[];
  composeProject: string;
  /** The color's compose file (render's composeFilePath): the helper's docker gate takes compose only with `-f`. */
  composeFile?: string;
}): Writers {
  if (input.runtime === "systemd") return systemdWriters(input.services.flatMap(input.unitName));
  if (input.runtime === "compose") {
    // The deploy's own writers (compose-runtime.ts): the whole project of the color, through its file.
    if (input.composeFile) {
      return composeProjectWriters(composeBase(input.composeFlavour ?? "v2", input.composeProject, input.composeFile));
    }
    return composeWriters(input.composeProject, input.services, input.composeFlavour);
  }
  // The color's stack is named like its compose project (`<app>-<color>`).
  if (input.runtime === "swarm") return swarmStackWriters(input.composeProject, input.services);
  return containerWriters(input.services.map((service) => `${input.app}-${service}-${input.color}`));
}
