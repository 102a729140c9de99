/**
 * Workers (D67, seed 004's process-pool workers): a service without `port` serves no HTTP. It runs in the colors like
 * any service but is gated on staying running (`health.type: running`), so nothing may route to it or probe it over
 * HTTP: each key that would is refused where it is written.
 */
import type { CheckedConfig } from "./cross-checks.js";
import { durationMs } from "./primitives.js";

type Issue = (path: (string | number)[], message: string, input?: unknown) => void;
type Service = CheckedConfig["services"][string];

/**
 * Whether the service is a worker (D67): no `port`, so it serves no HTTP; it is gated on staying running and never
 * routed to.
 */
export function isWorker(service: Pick<Service, "port">): boolean {
  return service.port === undefined;
}

/**
 * What a service's gate waits for: `health.type`, else `http` with a port and `running` without (a worker). `T` is the
 * type's own union where the config is parsed (`"http" | "running"`), `string` in the cross-checks.
 */
export function gateKind<T extends string>(service: { port?: number; health?: { type?: T } }): T | "http" | "running" {
  return service.health?.type ?? (isWorker(service) ? "running" : "http");
}

const GIVE_PORT = "give it a `port` if it serves HTTP";

/** Every rule of this file, in the order the keys appear in a config. */
export function checkWorkers(config: CheckedConfig, issue: Issue): void {
  const workers = Object.keys(config.services).filter((name) => {
    const service = config.services[name];
    return service !== undefined && isWorker(service);
  });
  for (const name of workers) checkWorkerKeys(config, name, config.services[name] as Service, issue);
  checkRunningGateRuntime(config, issue);
  checkStableWindow(config, issue);
  checkProxyTargets(config, new Set(workers), issue);
}

/** The keys of a worker that only mean something for a port: what the runtime can gate it with. */
function checkWorkerKeys(config: CheckedConfig, name: string, service: Service, issue: Issue): void {
  const at = (...keys: string[]) => ["services", name, ...keys];
  const what = `services.${name} has no \`port\` (a worker)`;
  if (config.runtime === "systemd" || config.runtime === "swarm") {
    issue(
      at(),
      `${what}: runtime ${config.runtime} runs only services with a port (systemd starts gunicorn/uvicorn on it; swarm's workers are not supported yet); add \`port\`, or use runtime container or compose for a worker`,
    );
  }
  if (service.ports !== undefined) issue(at("ports"), `${what}: the colors' host ports need \`port\``);
  if (service.public_port !== undefined) {
    issue(at("public_port"), `${what}: nothing listens behind a public port; ${GIVE_PORT}`, service.public_port);
  }
  const health = service.health;
  if (health?.path !== undefined) {
    issue(
      at("health", "path"),
      `${what}: there is no port to poll; remove health.path (the gate waits for the process to stay running for health.stable) or ${GIVE_PORT}`,
      health.path,
    );
  }
  if (health?.type === "http") {
    issue(at("health", "type"), `${what}: an HTTP check needs a port; use \`running\` or ${GIVE_PORT}`, "http");
  }
  const check = health?.container_check;
  if (typeof check === "string" && check !== "none") {
    issue(
      at("health", "container_check"),
      `${what}: "${check}" polls the port inside the container; give a command as a list (like [/app/healthcheck]) or "none"`,
      check,
    );
  }
}

/** `health.type: running` reads the process's state from the runtime: container, compose and systemd can tell. */
function checkRunningGateRuntime(config: CheckedConfig, issue: Issue): void {
  if (config.runtime !== "swarm") return;
  for (const [name, service] of Object.entries(config.services)) {
    if (service.health?.type !== "running" || isWorker(service)) continue;
    issue(
      ["services", name, "health", "type"],
      "runtime swarm gates on the service's port: `running` is for runtime container, compose and systemd",
      "running",
    );
  }
}

/** The running gate's window must end before its timeout, or every deploy fails (as checkHealthTiming for HTTP). */
function checkStableWindow(config: CheckedConfig, issue: Issue): void {
  for (const [name, service] of Object.entries(config.services)) {
    const h = service.health;
    if (!h?.stable || !h.timeout || gateKind(service) !== "running") continue;
    if (durationMs(h.stable) < durationMs(h.timeout)) continue;
    issue(
      ["services", name, "health", "stable"],
      `the process must stay running for ${h.stable}, not less than health.timeout ${h.timeout}: every deploy would fail; lower stable or raise timeout`,
      h.stable,
    );
  }
}

/** Routes, the api subdomain and load balancing send HTTP to a service: never to a worker. */
function checkProxyTargets(config: CheckedConfig, workers: Set<string>, issue: Issue): void {
  const refused = (name: string) =>
    `services.${name} has no \`port\` (a worker): nginx cannot send requests to it; point this at a service with a port, or ${GIVE_PORT}`;
  config.proxy.routes.forEach((route, i) => {
    if (workers.has(route.service)) issue(["proxy", "routes", i, "service"], refused(route.service), route.service);
  });
  const sub = config.proxy.api_subdomain;
  if (sub && workers.has(sub.service)) issue(["proxy", "api_subdomain", "service"], refused(sub.service), sub.service);
  for (const name of Object.keys(config.proxy.load_balance)) {
    if (workers.has(name)) {
      issue(
        ["proxy", "load_balance", name],
        `services.${name} has no \`port\` (a worker): load_balance spreads requests over ports; ${GIVE_PORT}`,
      );
    }
  }
}
