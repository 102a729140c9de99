/**
 * `slipway status` of the accessories (runtime compose, `services.*.accessory: true`: a database or cache server in
 * the project `<app>-accessories`): each one's docker state and docker health, read with the status script's
 * `accessories` probe (commands/status.ts). Never an HTTP poll: an accessory publishes no port (render/from-config
 * compose.ts accessoriesComposeFromConfig), so the only health there is is its container's healthcheck (D71).
 * Runtime swarm reads its accessories' stack in status-swarm.ts.
 */
import type { StatusProbe } from "../commands/status.js";
import type { SlipwayConfig } from "../config/index.js";
import { accessoryNames } from "../render/from-config/index.js";
import { accessoriesProject } from "./compose/accessories.js";

/** docker's health of a container: `none` when it has no healthcheck (or no container). */
export type DockerHealth = "healthy" | "unhealthy" | "starting" | "none";

export interface AccessoryStatus {
  service: string;
  /** docker's state (`running`, `exited`, `restarting`, ...), `not found` when no container runs it. */
  state: string;
  health: DockerHealth;
  /** Running and not unhealthy (`starting` is not a problem: the check has not decided yet). */
  ok: boolean;
}

/** The accessories this host runs and the probe reading their project. */
export interface AccessoriesPlan {
  probe: StatusProbe;
  names: string[];
}

/**
 * The accessories' probe for `config` (only this host's services: configOnHost); null when the host runs none or the
 * runtime has no compose accessories.
 */
export function accessoriesPlan(config: SlipwayConfig): AccessoriesPlan | null {
  if (config.runtime !== "compose") return null;
  const names = accessoryNames(config);
  if (names.length === 0) return null;
  return { probe: { kind: "accessories", target: accessoriesProject(config.app) }, names };
}

function healthOf(text: string | undefined): DockerHealth {
  return text === "healthy" || text === "unhealthy" || text === "starting" ? text : "none";
}

/**
 * Each planned accessory from the probe's lines (`<service> <state> [<health>]`, SERVICE_STATE_FORMAT), in config
 * order; one without a container is `not found`. A service with several containers reports its first.
 */
export function accessoryStatuses(plan: AccessoriesPlan, lines: readonly string[]): AccessoryStatus[] {
  const rows = lines.map((line) => line.trim().split(/\s+/)).filter((fields) => fields.length >= 2);
  return plan.names.map((service) => {
    const row = rows.find(([name]) => name === service);
    if (!row) return { service, state: "not found", health: "none", ok: false };
    const [, state = "", health] = row;
    const docker = healthOf(health);
    return { service, state, health: docker, ok: state === "running" && docker !== "unhealthy" };
  });
}

/** A problem per accessory not running (`accessory db is exited`) or unhealthy by docker (`accessory db is unhealthy`). */
export function accessoryProblems(accessories: readonly AccessoryStatus[]): string[] {
  return accessories
    .filter((a) => !a.ok)
    .map((a) => `accessory ${a.service} is ${a.state === "running" ? a.health : a.state}`);
}
