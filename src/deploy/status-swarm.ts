/**
 * `slipway status` under runtime swarm: the cluster as the manager sees it, read in the manager's one status script
 * (commands/status.ts kinds `nodes` and `stack`): every node (hostname, role, availability, state, labels) and the
 * current task of each slot of the color stacks (`<app>-blue`, `<app>-green`) and of the accessories' stack, with the
 * HTTP answer of each app task through its node's host-mode port (what nginx reaches). Pure parsing here; the script's
 * sections come from deploy/status.ts.
 */

import type { StatusProbe } from "../commands/status.js";
import { NODE_STATUS_FORMAT } from "../commands/swarm.js";
import { type Color, colorPort, type SlipwayConfig } from "../config/index.js";
import { swarmManager, swarmNodes } from "../config/swarm.js";
import { composeProjectName } from "../render/compose.js";
import { gateArgs } from "./health.js";

export interface SwarmNodeStatus {
  hostname: string;
  role: string;
  /** `active`, `pause` or `drain`: what the operator asked. */
  availability: string;
  /** `ready`, `down`, `unknown` or `disconnected`: what the manager sees. */
  state: string;
  address: string;
  labels: Record<string, string>;
  /** The manager leading the raft. */
  leader: boolean;
}

export interface SwarmTaskHealth {
  url: string;
  /** The HTTP status answered (0: no answer); `expected` the one the health gate wants. */
  status: number;
  expected: number;
  healthy: boolean;
}

export interface SwarmTaskStatus {
  /** The service's name in slipway.yml (`web`; docker's is `<stack>_web`). */
  service: string;
  /** The replica's slot (`1`), or the node id of a global service. */
  slot: string;
  node: string;
  /** Lower case, as the engine's states: `running`, `ready`, `shutdown`. */
  desired: string;
  /** `running`, `starting` (its healthcheck has not passed yet), `preparing`, `rejected`, `failed`... */
  state: string;
  /** `2 minutes ago`: since when the task is in `state`. */
  since: string;
  /** The engine's error of this task, else of the slot's latest earlier task ("" when none). */
  error: string;
  image: string;
  /** Earlier tasks of this slot that failed or were rejected, in the engine's kept history. */
  failures: number;
  /** The answer of the task's node at the color's port, for a running task of a color's service. */
  health?: SwarmTaskHealth;
}

export interface SwarmStackStatus {
  stack: string;
  /** null: the accessories' stack. */
  color: Color | null;
  /** The live color's stack, or the accessories (always serving). */
  live: boolean;
  /** The current task of each slot, in the engine's order (service, slot). */
  tasks: SwarmTaskStatus[];
}

export interface ClusterStatus {
  /** The inventory name of the manager read. */
  manager: string;
  nodes: SwarmNodeStatus[];
  stacks: SwarmStackStatus[];
  /** Why the nodes could not be read (e.g. the host is not a swarm manager). */
  error?: string;
}

/** What the manager's script is asked for besides the base status. */
export interface SwarmStatusPlan {
  manager: string;
  nodes: StatusProbe;
  stacks: Array<{ probe: StatusProbe; color: Color | null }>;
  /** Every app service at every node's address, both colors: the live one is known only from the output. */
  health: Array<{ probe: StatusProbe; color: Color; service: string; address: string; expected: number }>;
}

const COLORS: readonly Color[] = ["blue", "green"];

/** The cluster probes for the manager of `config` (runtime swarm). */
export function swarmStatusPlan(config: SlipwayConfig): SwarmStatusPlan {
  const stack = (color: Color | null) => ({
    probe: { kind: "stack" as const, target: composeProjectName(config.app, color ?? "accessories") },
    color,
  });
  const apps = Object.entries(config.services).filter(([, spec]) => !spec.accessory);
  const hasAccessories = apps.length < Object.keys(config.services).length;
  const health = COLORS.flatMap((color) =>
    apps.flatMap(([service, spec]) =>
      swarmNodes(config).map((node) => {
        const args = gateArgs(service, spec, colorPort(spec, color), node.address);
        const probe = { kind: "health" as const, target: args.url };
        return { probe, color, service, address: node.address, expected: args.status };
      }),
    ),
  );
  return {
    manager: swarmManager(config),
    nodes: { kind: "nodes", target: NODE_STATUS_FORMAT },
    stacks: [stack("blue"), stack("green"), ...(hasAccessories ? [stack(null)] : [])],
    health,
  };
}

/** Every probe of the plan, for the script's argv. */
export function swarmProbes(plan: SwarmStatusPlan): StatusProbe[] {
  return [plan.nodes, ...plan.stacks.map((s) => s.probe), ...plan.health.map((h) => h.probe)];
}

/** The `nodes` section: one JSON object a line (NODE_STATUS_FORMAT); anything else is the daemon's refusal. */
export function parseNodes(lines: readonly string[]): { nodes: SwarmNodeStatus[]; error?: string } {
  const nodes: SwarmNodeStatus[] = [];
  const other: string[] = [];
  for (const line of lines) {
    const text = line.trim();
    if (!text.startsWith("{")) {
      if (text) other.push(text);
      continue;
    }
    const n = JSON.parse(text) as Partial<SwarmNodeStatus> & { labels?: Record<string, string> | null };
    nodes.push({
      hostname: n.hostname ?? "",
      role: n.role ?? "",
      availability: n.availability ?? "",
      state: n.state ?? "",
      address: n.address ?? "",
      labels: n.labels ?? {},
      leader: n.leader === true,
    });
  }
  if (nodes.length > 0) return { nodes };
  return { nodes, error: other.join(" ") || "no answer from docker node ls" };
}

interface StackPsRow {
  Name?: string;
  Node?: string;
  DesiredState?: string;
  CurrentState?: string;
  Error?: string;
  Image?: string;
}

const FAILED = new Set(["failed", "rejected"]);
const GONE = new Set(["shutdown", "remove"]);

/**
 * A stack's `docker stack ps --format '{{json .}}'` lines -> the current task of each slot (desired state neither
 * shutdown nor remove), with the error and failure count of the slot's history. Docker lists a slot's tasks newest
 * first, so the first earlier task with an error is the latest one.
 */
export function parseStackTasks(stack: string, lines: readonly string[]): SwarmTaskStatus[] {
  const rows = lines.filter((l) => l.trim().startsWith("{")).map((l) => JSON.parse(l) as StackPsRow);
  const bySlot = new Map<string, StackPsRow[]>();
  for (const row of rows) {
    const name = (row.Name ?? "").replace(/^\s*\\_\s*/, "");
    bySlot.set(name, [...(bySlot.get(name) ?? []), row]);
  }
  const tasks: SwarmTaskStatus[] = [];
  for (const [name, slotRows] of bySlot) {
    const current = slotRows.filter((r) => !GONE.has(lower(r.DesiredState)));
    const history = slotRows.filter((r) => GONE.has(lower(r.DesiredState)));
    const failures = history.filter((r) => FAILED.has(firstWord(r.CurrentState))).length;
    const latestError = history.find((r) => r.Error)?.Error ?? "";
    const { service, slot } = taskName(stack, name);
    for (const row of current) {
      const state = firstWord(row.CurrentState);
      const error = row.Error || (state === "running" ? "" : latestError);
      tasks.push({
        service,
        slot,
        node: row.Node ?? "",
        desired: lower(row.DesiredState),
        state,
        since: (row.CurrentState ?? "").split(" ").slice(1).join(" "),
        error: unquote(error),
        image: row.Image ?? "",
        failures,
      });
    }
  }
  return tasks;
}

/** `harvest-blue_web.2` -> `web`, `2`. */
function taskName(stack: string, name: string): { service: string; slot: string } {
  const local = name.startsWith(`${stack}_`) ? name.slice(stack.length + 1) : name;
  const dot = local.lastIndexOf(".");
  return dot < 0 ? { service: local, slot: "" } : { service: local.slice(0, dot), slot: local.slice(dot + 1) };
}

function lower(s: string | undefined): string {
  return (s ?? "").toLowerCase();
}

function firstWord(s: string | undefined): string {
  return lower((s ?? "").split(" ")[0]);
}

/** Docker quotes the daemon's error (`"No such image: x"`). */
function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

/**
 * The cluster from the manager's sections (`sections` by probe key, as parseStatusSections gives them); `live` the
 * live color read from the deploy dir (null: none yet, no color stack is live).
 */
export function clusterStatus(
  plan: SwarmStatusPlan,
  sections: ReadonlyMap<string, string[]>,
  live: Color | null,
): ClusterStatus {
  const key = (p: StatusProbe) => `${p.kind}|${p.target}`;
  const { nodes, error } = parseNodes(sections.get(key(plan.nodes)) ?? []);
  const addressOf = new Map(nodes.map((n) => [n.hostname, n.address]));
  const stacks = plan.stacks.map(({ probe, color }) => {
    const tasks = parseStackTasks(probe.target, sections.get(key(probe)) ?? []);
    for (const task of tasks) {
      const h = plan.health.find(
        (p) => p.color === color && p.service === task.service && p.address === addressOf.get(task.node),
      );
      if (!h || task.state !== "running") continue;
      const status = Number((sections.get(key(h.probe)) ?? [])[0]?.trim()) || 0;
      task.health = { url: h.probe.target, status, expected: h.expected, healthy: status === h.expected };
    }
    return { stack: probe.target, color, live: color === null || color === live, tasks };
  });
  return { manager: plan.manager, nodes, stacks, ...(error ? { error } : {}) };
}

/** What is wrong with the cluster, one phrase each: a node not ready, a serving task not running or not healthy. */
export function clusterProblems(cluster: ClusterStatus): string[] {
  if (cluster.error) return [`swarm: ${cluster.error}`];
  const problems = cluster.nodes.filter((n) => n.state !== "ready").map((n) => `node ${n.hostname} is ${n.state}`);
  for (const stack of cluster.stacks.filter((s) => s.live)) {
    if (stack.tasks.length === 0) problems.push(`stack ${stack.stack} has no tasks`);
    for (const t of stack.tasks) {
      const name = `${stack.stack}_${t.service}.${t.slot}`;
      if (t.state !== "running") problems.push(`${name} is ${t.state}${t.error ? ` (${t.error})` : ""}`);
      else if (t.health && !t.health.healthy)
        problems.push(`${name} on ${t.node} health ${t.health.status || "no answer"} (want ${t.health.expected})`);
    }
  }
  return problems;
}
