/**
 * `health.container_interval`, how often docker runs a service's container check: refused where Slipway runs no
 * container check, and where something waits on docker's verdict and the check's first run (one interval after the
 * start) would come after the time the deploy allows the service (`health.timeout`).
 */
import type { CheckedConfig } from "./cross-checks.js";
import { durationMs } from "./primitives.js";
import { gateKind } from "./worker-checks.js";

type Issue = (path: (string | number)[], message: string, input?: unknown) => void;

/** The keys a waiter is read from: CheckedConfig's, and SlipwayConfig's (the renderer's). */
interface WaitedConfig {
  runtime: string;
  services: Record<string, { depends_on: string[]; accessory?: boolean; port?: number; health?: { type?: string } }>;
}

/**
 * What waits on a service's docker health verdict, in words for an error; undefined when nothing does (the `http`
 * gate polls the port from the host). Runtime swarm's updates wait for each task's health; the deploy starts the
 * accessories and waits for them healthy; a `running` gate waits for it; compose's `depends_on` waits for a checked
 * dependency (`service_healthy`).
 */
export function healthWaiter(config: WaitedConfig, name: string): string | undefined {
  const service = config.services[name];
  if (service === undefined) return undefined;
  if (config.runtime === "swarm") return "runtime swarm's update (it waits for each task's health)";
  if (service.accessory) return "the start of the accessories";
  if (gateKind(service) === "running") return "its `running` gate";
  const dependant = Object.keys(config.services).find((other) => config.services[other]?.depends_on.includes(name));
  return dependant === undefined ? undefined : `services.${dependant}.depends_on (compose up waits for it)`;
}

export function checkContainerIntervals(config: CheckedConfig, issue: Issue): void {
  const runsChecks = config.runtime === "compose" || config.runtime === "swarm";
  for (const [name, service] of Object.entries(config.services)) {
    const health = service.health;
    const own = health?.container_interval;
    const checked = (health?.container_check ?? "none") !== "none";
    const at = (key: string) => ["services", name, "health", key];
    if (own !== undefined && !runsChecks) {
      issue(
        at("container_interval"),
        `runtime ${config.runtime} runs no container check of Slipway's (an image's own HEALTHCHECK keeps its own interval): remove it`,
        own,
      );
      continue;
    }
    if (own !== undefined && !checked) {
      issue(
        at("container_interval"),
        "no container check runs for this service: set `health.container_check`, or remove it",
        own,
      );
      continue;
    }
    // Unset, docker checks a waited service at health.interval (containerCheckSchedule, render/from-config/compose.ts).
    const every = own ?? health?.interval;
    const timeout = health?.timeout;
    if (!runsChecks || !checked || every === undefined || timeout === undefined) continue;
    const waiter = healthWaiter(config, name);
    if (!waiter || durationMs(every) < durationMs(timeout)) continue;
    issue(
      at(own !== undefined ? "container_interval" : "interval"),
      own !== undefined
        ? `${waiter} waits on docker's verdict, whose first check comes one interval after the start: at ${every} it comes after health.timeout (${timeout}); set it below that`
        : `${waiter} waits on docker's verdict, and without health.container_interval docker checks at this interval: its first check (one interval after the start) comes after health.timeout (${timeout}); set it below that, or set health.container_interval`,
      every,
    );
  }
}
