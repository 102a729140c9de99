/**
 * When a swarm service's outcome is known before every replica runs: the engine keeps restarting a failing task
 * (restart_policy `any`), so waiting for the replicas would only end at the start limit. Pure: reads the lines of
 * `docker service ps --no-trunc --format '{{.Name}}|{{.Node}}|{{.DesiredState}}|{{.CurrentState}}|{{.Error}}'`.
 */

/** One task of a service, newest first as `docker service ps` lists them. */
export interface SwarmTask {
  /** `shop-blue_web.1`: the service and the slot the task fills. */
  slot: string;
  node: string;
  desired: string;
  /** The first word of the current state: `Running`, `Starting`, `Failed`, `Rejected`, `Shutdown`, `Complete`. */
  state: string;
  /** The engine's error (`task: non-zero exit (1)`, `unhealthy container`, `No such image: ...`), or "". */
  error: string;
}

/** The failed outcome of a service: the slot, node and engine error of its newest failed task, and why it is over. */
export interface SwarmTaskFailure {
  slot: string;
  node: string;
  error: string;
  reason: string;
}

/** How many failed tasks of one slot prove the release cannot start (a crash loop, an image no node can pull). */
export const FAILED_TASKS_PER_SLOT = 2;

/** Lines of `serviceTasksArgv` -> tasks; the `\_ ` history marker and a trailing task id are dropped. */
export function parseServiceTasks(out: string): SwarmTask[] {
  const tasks: SwarmTask[] = [];
  for (const line of out.split("\n")) {
    const [name = "", node = "", desired = "", current = "", ...error] = line.trim().split("|");
    if (name === "") continue;
    const slot = name.replace(/^\\_\s*/, "").replace(/^(.+\.\d+)\.[a-z0-9]{20,}$/, "$1");
    // `--no-trunc` prints the error in double quotes.
    const why = error
      .join("|")
      .trim()
      .replace(/^"(.*)"$/, "$1");
    tasks.push({ slot, node, desired, state: current.split(/\s+/)[0] ?? "", error: why });
  }
  return tasks;
}

/**
 * A task that ended without doing its job: failed, rejected, shut down by the engine with an error, or `Complete`
 * (a service's task never completes on its own: the engine ended it, e.g. after its healthcheck never passed, with
 * an empty error column: seen on docker 27 as `Shutdown Complete`).
 */
function failed(task: SwarmTask): boolean {
  if (task.state === "Failed" || task.state === "Rejected" || task.state === "Complete") return true;
  return task.state === "Shutdown" && task.error !== "";
}

/**
 * The failure that ends the wait, or undefined while the service may still come up. A task the engine killed as
 * `unhealthy container` ends it at once: the container healthcheck is rendered from `services.*.health` (its
 * retries cover the health timeout, after start_period), so a slow boot that ends healthy is never cut short. A slot
 * with FAILED_TASKS_PER_SLOT failed tasks ends it too (the process exits, the image cannot be pulled, the port is
 * taken, a task `Complete` again and again): the engine would only keep restarting it. A task shut down without an
 * error (`Shutdown`: a drained node) is no failure.
 */
export function failedOutcome(tasks: readonly SwarmTask[]): SwarmTaskFailure | undefined {
  const unhealthy = tasks.find((t) => failed(t) && /unhealthy/i.test(t.error));
  if (unhealthy) return { ...pick(unhealthy), reason: "failed its container healthcheck" };
  const perSlot = new Map<string, SwarmTask[]>();
  for (const task of tasks.filter(failed)) perSlot.set(task.slot, [...(perSlot.get(task.slot) ?? []), task]);
  for (const [, list] of perSlot) {
    const newest = list[0];
    if (newest && list.length >= FAILED_TASKS_PER_SLOT) {
      return { ...pick(newest), reason: `failed ${list.length} times` };
    }
  }
  return undefined;
}

function pick(task: SwarmTask): Omit<SwarmTaskFailure, "reason"> {
  const ended = "ended without an error (Complete): its process exited, or its container healthcheck never passed";
  return { slot: task.slot, node: task.node, error: task.error || (task.state === "Complete" ? ended : task.state) };
}
