/**
 * `run_once: true` (Ansible's task keyword): the first host to reach the task runs it, every other host of the same
 * scope waits for that result and takes it (its registered value, and a failure: a failed run-once task fails every
 * host, as in Ansible). A playbook's scope is one batch; the deploy shares one across all the hosts and batches of a
 * run, so a migration in `hooks.before_switch` runs once per deploy and the other hosts switch only after it.
 */
import type { TaskOutcome } from "./types.js";

/** What a host that ran a run-once task hands the others. */
export interface OnceResult {
  /** The host that ran it. */
  host: string;
  status: TaskOutcome["status"];
  msg?: string;
  registered?: unknown;
}

/** The first host to claim a key runs the task (`run`); later claims get the promise of its result (`wait`). */
export type OnceClaim = { run: (result: OnceResult) => void } | { wait: Promise<OnceResult> };

export class RunOnce {
  readonly #results = new Map<string, Promise<OnceResult>>();

  /**
   * `key` names the task (its file:line:col and place, plus check mode); the first caller gets `run` and must call
   * it exactly once with its result (also when the task failed), every later caller gets `wait`.
   */
  claim(key: string): OnceClaim {
    const pending = this.#results.get(key);
    if (pending) return { wait: pending };
    let resolve: (result: OnceResult) => void = () => {};
    this.#results.set(key, new Promise<OnceResult>((r) => (resolve = r)));
    return { run: (result) => resolve(result) };
  }
}

/** The outcome a host that waited reports: the runner's status (changed counts once) and where it ran. */
export function followerOutcome(result: OnceResult): Pick<TaskOutcome, "status" | "msg"> {
  if (result.status === "failed" || result.status === "unreachable") {
    return { status: "failed", msg: `run_once: failed on ${result.host}${result.msg ? `: ${result.msg}` : ""}` };
  }
  return { status: result.status === "changed" ? "ok" : result.status, msg: `run_once: ran on ${result.host}` };
}
