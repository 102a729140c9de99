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
import { SlipwayError } from "../../errors.js";
import type { RemoteHost } from "../../remote/types.js";
import { parseNodes } from "../status-swarm.js";

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

/**
 * Waits until every one of `services` (full names) runs all its replicas, for at most `limitS` seconds. Throws
 * SlipwayError (step `start`) naming the services short of tasks and their last task errors (an image the nodes
 * cannot pull, a placement no node satisfies, a port taken).
 */
export async function waitForReplicas(
  host: RemoteHost,
  stack: string,
  services: readonly string[],
  limitS: number,
): Promise<void> {
  const deadline = Date.now() + limitS * 1000;
  let short: string[] = [];
  for (;;) {
    const replicas = await stackReplicas(host, stack);
    short = services.filter((s) => {
      const r = replicas[s];
      return !r || r.running < r.wanted;
    });
    if (short.length === 0) return;
    if (Date.now() > deadline) break;
    await sleep(1000);
  }
  const why = await Promise.all(short.map((s) => lastTaskErrors(host, s)));
  throw new SlipwayError(`${short.join(", ")}: not every replica is running after ${limitS} s`, {
    host: host.name,
    step: "start",
    stderrTail: why.join("\n"),
    hint: "see `docker service ps --no-trunc <service>` on the manager: an image the nodes cannot pull, a placement no active node satisfies, or a host-mode port already taken on every allowed node",
  });
}

async function lastTaskErrors(host: RemoteHost, service: string): Promise<string> {
  const out = (await host.exec(serviceTasksArgv(service), asRoot)).stdout;
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
