/**
 * Runs a parsed task list on connections the caller already holds: what the deploy's hook steps need (its SSH
 * session is open, its hosts are chosen). The tasks run as one play over those hosts, with the playbook runner's own
 * walk (blocks, handlers, when, register, the recap); no inventory, no connect, and the connections stay open.
 */
import type { RemoteHost } from "../remote/types.js";
import { hostVars } from "./inventory.js";
import { recapFor } from "./recap.js";
import { type RunOptions, type RunResult, runPlay } from "./run.js";
import type { Play, Task, TaskOutcome } from "./types.js";

/** A host the caller has connected: its inventory name and the open connection. */
export interface OpenHost {
  name: string;
  remote: RemoteHost;
  /** Host variables (the inventory's `vars`), below the play's. */
  vars?: Record<string, unknown>;
}

export interface RunTasksOptions
  extends Pick<
    RunOptions,
    "modules" | "check" | "diff" | "extraVars" | "config" | "redactor" | "reporter" | "forks" | "once"
  > {
  /** The play's name in outcomes and warnings (e.g. `hook before_switch`). */
  name: string;
  /** Gather facts first (`ansible_*`, the deploy dir's state), as a play does by default. Default true. */
  gatherFacts?: boolean;
}

/**
 * Runs `tasks` on every host of `hosts` in parallel (up to `forks`), all in one batch. Returns the run's recap and
 * outcomes as runPlaybook does; `ok` is false when a task failed (not rescued or ignored) or a host became
 * unreachable. Never closes the connections. Throws only what runPlaybook would (a module's programming error).
 */
export async function runTasks(
  tasks: readonly Task[],
  hosts: readonly OpenHost[],
  options: RunTasksOptions,
): Promise<RunResult> {
  const started = performance.now();
  const play: Play = {
    name: options.name,
    pos: tasks[0]?.pos ?? { file: "", line: 1, col: 1 },
    hosts: "all",
    vars: {},
    tasks: [...tasks],
    handlers: [],
    serial: [],
    anyErrorsFatal: false,
    forceHandlers: false,
    gatherFacts: options.gatherFacts ?? true,
    tags: [],
  };
  const inventory = {
    hosts: Object.fromEntries(hosts.map((h) => [h.name, { address: h.name, vars: h.vars ?? {} }])),
    groups: {},
  };
  const states = new Map(
    hosts.map(({ name, remote }) => [
      name,
      { name, remote, facts: undefined, inventoryVars: hostVars(inventory, name), hostFacts: {}, unreachable: false },
    ]),
  );
  const outcomes: TaskOutcome[] = [];
  const emit = (outcome: TaskOutcome) => {
    outcomes.push(outcome);
    options.reporter?.outcome?.(outcome);
  };
  const connect: RunOptions["connect"] = async (name) => {
    throw new Error(`host "${name}" has no open connection`);
  };
  await runPlay(play, [...states.keys()], { ...options, inventory, connect }, states, emit);
  const recap = recapFor([...states.keys()], outcomes);
  const ok = Object.values(recap).every((r) => r.failed === 0 && r.unreachable === 0);
  return { recap, outcomes, ok, durationMs: performance.now() - started };
}
