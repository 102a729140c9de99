/**
 * Runtime swarm's view of a stack on the manager: how many tasks of each service run (`docker service ls`), on which
 * nodes (`docker stack ps`), the nodes' addresses, and the waits of a deploy: every replica running, the stack gone
 * after `docker stack rm`. Parsing is pure (exported for unit tests); the waits poll through the manager.
 */
import {
  nodesInspectArgv,
  serviceTasksArgv,
  stackContainersArgv,
  stackNetworksArgv,
  stackServicesArgv,
  stackTasksArgv,
} from "../../commands/swarm.js";
import { type ErrorContext, SlipwayError } from "../../errors.js";
import type { RemoteHost } from "../../remote/types.js";
import { pauseUnlessAborted } from "../../verify/pause.js";
import { parseNodes } from "../status-swarm.js";
import { failedOutcome, parseServiceTasks, type SwarmTaskFailure } from "./task-failures.js";

const asRoot = { become: true, check: false };

/** `harvest-blue_web 2/2` lines -> `{ "harvest-blue_web": { running: 2, wanted: 2 } }` (`2/2 (max 1 per node)` too). */
export function parseServiceReplicas(out: string): Record<string, { running: number; wanted: number }> {
  const services: Record<string, { running: number; wanted: number }> = {};
  for (const line of out.split("\n")) {
    const m = /^(\S+) (\d+)\/(\d+)/.exec(line.trim());
    if (m) services[m[1] as string] = { running: Number(m[2]), wanted: Number(m[3]) };
  }
  return services;
}

/**
 * `harvest-blue_web.1 t5 Running 3 seconds ago` lines -> the nodes running each service's tasks
 * (`{ "harvest-blue_web": ["t5"] }`); tasks in another state (Starting, Preparing) are left out.
 */
export function parseTaskNodes(out: string): Record<string, string[]> {
  const nodes: Record<string, string[]> = {};
  for (const line of out.split("\n")) {
    const [task, node, state] = line.trim().split(/\s+/);
    if (!task || !node || state !== "Running") continue;
    const service = task.replace(/\.[^.]+$/, "");
    nodes[service] = [...(nodes[service] ?? []), node];
  }
  return nodes;
}

/** The replica counts of a stack's services (empty: no such stack). */
export async function stackReplicas(host: RemoteHost, stack: string) {
  return parseServiceReplicas((await host.exec(stackServicesArgv(stack), asRoot)).stdout);
}

/** The addresses of the nodes running each service's tasks (`<stack>_<service>` -> addresses). */
export async function taskAddresses(host: RemoteHost, stack: string): Promise<Record<string, string[]>> {
  const [tasks, addresses] = await Promise.all([
    host.exec(stackTasksArgv(stack), asRoot),
    host.exec(nodesInspectArgv(), asRoot),
  ]);
  const byNode = Object.fromEntries(parseNodes(addresses.stdout.split("\n")).nodes.map((n) => [n.hostname, n.address]));
  const nodes = parseTaskNodes(tasks.stdout);
  return Object.fromEntries(
    Object.entries(nodes).map(([service, list]) => [service, [...new Set(list.map((n) => byNode[n] ?? n))]]),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A service whose tasks failed for good before every replica ran: the slot, node and engine error (`failure`). */
export class SwarmTasksFailed extends SlipwayError {
  constructor(
    message: string,
    context: ErrorContext,
    readonly service: string,
    readonly failure: SwarmTaskFailure,
  ) {
    super(message, context);
  }
}

/** A service's tasks that failed for good: the failure and the newest task lines (taskLines) that show it. */
export interface FoundTaskFailure {
  failure: SwarmTaskFailure;
  tasks: string;
}

/**
 * Reads the tasks of `service` (full name) on the manager, one `docker service ps`, and returns their failure for
 * good (task-failures.ts failedOutcome), or undefined while the service may still come up. The start's wait for
 * replicas and the health gate (swarm-runtime.ts serviceFailure) both ask it.
 */
export async function readTaskFailure(host: RemoteHost, service: string): Promise<FoundTaskFailure | undefined> {
  const out = (await host.exec(serviceTasksArgv(service), asRoot)).stdout;
  const failure = failedOutcome(parseServiceTasks(out));
  return failure ? { failure, tasks: taskLines(service, out) } : undefined;
}

/** `shop-blue_web: task shop-blue_web.1 on t5 failed 2 times (task: non-zero exit (3))`: start and gate say it so. */
export function taskFailureMessage(service: string, failure: SwarmTaskFailure): string {
  return `${service}: task ${failure.slot} on ${failure.node} ${failure.reason} (${failure.error})`;
}

/**
 * Waits until every one of `services` (full names) runs all its replicas, for at most `limitS` seconds. Ends at once
 * with SwarmTasksFailed (step `start`) when a service's tasks already failed for good (task-failures.ts: a task the
 * healthcheck killed, a slot failed twice). Past `limitS`, throws SlipwayError naming the services short of tasks and
 * their last task errors (a placement no node satisfies, an image still pulling).
 */
export async function waitForReplicas(
  host: RemoteHost,
  stack: string,
  services: readonly string[],
  limitS: number,
  signal?: AbortSignal,
): Promise<void> {
  const started = Date.now();
  const deadline = started + limitS * 1000;
  let short: string[] = [];
  for (;;) {
    const replicas = await stackReplicas(host, stack);
    short = services.filter((s) => {
      const r = replicas[s];
      return !r || r.running < r.wanted;
    });
    if (short.length === 0) return;
    for (const service of short) {
      const found = await readTaskFailure(host, service);
      if (!found) continue;
      const seconds = Math.round((Date.now() - started) / 1000);
      throw new SwarmTasksFailed(
        `${taskFailureMessage(service, found.failure)} after ${seconds} s`,
        {
          host: host.name,
          step: "start",
          stderrTail: found.tasks,
          hint: "fix the release and deploy again; see `docker service ps --no-trunc <service>` on the manager",
        },
        service,
        found.failure,
      );
    }
    if (Date.now() > deadline) break;
    // An interrupt ends the wait within this pause (rejects with the signal's reason: the runner's interruption).
    await pauseUnlessAborted(1000, signal);
  }
  const why = await Promise.all(
    short.map(async (s) => taskLines(s, (await host.exec(serviceTasksArgv(s), asRoot)).stdout)),
  );
  throw new SlipwayError(`${short.join(", ")}: not every replica is running after ${limitS} s`, {
    host: host.name,
    step: "start",
    stderrTail: why.join("\n"),
    hint: "see `docker service ps --no-trunc <service>` on the manager: an image the nodes cannot pull, a placement no active node satisfies, or a host-mode port already taken on every allowed node",
  });
}

/** The newest three task lines of a service, each under its name. */
function taskLines(service: string, out: string): string {
  const lines = out
    .split("\n")
    .filter((l) => l.trim() !== "")
    .slice(0, 3);
  return lines.map((l) => `${service}: ${l}`).join("\n");
}

/**
 * Waits (at most `limitS` seconds) until `docker stack rm` removed the stack's services, networks and the
 * manager's own task containers (a volume in use by one cannot be removed); returns whether it did; never throws.
 */
export async function waitForStackGone(host: RemoteHost, stack: string, limitS: number): Promise<boolean> {
  const deadline = Date.now() + limitS * 1000;
  while (Date.now() < deadline) {
    const services = Object.keys(await stackReplicas(host, stack));
    const networks = (await host.exec(stackNetworksArgv(stack), asRoot)).stdout.trim();
    const containers = (await host.exec(stackContainersArgv(stack), asRoot)).stdout.trim();
    if (services.length === 0 && networks === "" && containers === "") return true;
    await sleep(1000);
  }
  return false;
}
