/**
 * The step runner: runs one host's steps in order, emitting a `started` and an end event (with its duration) per step.
 * Every step that started and has an undo goes on a stack; when a step fails or an interruption arrives between
 * steps, the stack runs newest first (each undo emitted as `undone`, or `failed` when the undo itself failed). A step
 * marked `commits` empties the stack: from there on the release stays. `always` hooks (the lock's release) run last,
 * whatever happened; their errors are reported beside the result, never instead of it.
 */
import { SlipwayError } from "../errors.js";
import type { HostEmitter } from "./emitter.js";
import { type FaultPoint, faultAt } from "./fault.js";
import type { Interrupt } from "./interrupt.js";
import { type FlowState, type Step, StepFailure } from "./steps/types.js";

export interface RunnerOptions {
  emitter: HostEmitter;
  interrupt?: Interrupt;
  fault?: FaultPoint | null;
  /** Told of the failure (or interruption) before any undo runs (the load-balancer layout stops the other hosts). */
  onError?: (error: unknown) => void;
}

/** A signal arrived: the run stopped before `step` and undid what it had changed. */
export class InterruptedError extends SlipwayError {}

export interface StepTiming {
  step: string;
  status: "ok" | "changed" | "skipped" | "failed" | "interrupted";
  ms: number;
}

export interface RunOutcome {
  /** The step failure or the interruption; undefined when every step succeeded. */
  error?: unknown;
  timings: StepTiming[];
  /** Names of the steps whose undo ran, in the order they ran. */
  undone: string[];
  /** One line per undo that failed: what was left as it was. */
  undoErrors: string[];
  /** One line per `always` hook that failed (e.g. the unlock). */
  alwaysErrors: string[];
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Runs `steps` on one host. Never throws: the outcome carries the error, the undos and the cleanup errors. */
export async function runSteps(steps: readonly Step[], state: FlowState, options: RunnerOptions): Promise<RunOutcome> {
  const { emitter, interrupt } = options;
  const outcome: RunOutcome = { timings: [], undone: [], undoErrors: [], alwaysErrors: [] };
  let undos: Step[] = [];
  const started: Step[] = [];
  for (const step of steps) {
    await faultAt(options.fault ?? null, step.name, "before");
    if (interrupt?.reason) {
      emitter.stepEvent(step.name, "interrupted", { message: `${interrupt.reason}: not started` });
      outcome.error = new InterruptedError(`interrupted by ${interrupt.reason} before step ${step.name}`, {
        host: emitter.host,
        step: step.name,
        hint: "what this run had changed was undone; deploy again when ready",
      });
      break;
    }
    started.push(step);
    if (step.undo) undos.push(step);
    emitter.step = step.name;
    interrupt?.pending.set(emitter.host, `in step ${step.name}`);
    emitter.stepEvent(step.name, "started");
    const t0 = Date.now();
    try {
      const result = await step.run(state);
      const ms = Date.now() - t0;
      outcome.timings.push({ step: step.name, status: result.status, ms });
      emitter.stepEvent(step.name, result.status, {
        ms,
        ...(result.message ? { message: result.message } : {}),
        ...(result.data ? { data: result.data } : {}),
      });
      if (step.commits) undos = [];
      if (result.done) break;
    } catch (e) {
      const ms = Date.now() - t0;
      if (interrupt?.reason) {
        // A wait cut short by the signal (or anything failing after it) is the interrupt, not the step's failure.
        outcome.timings.push({ step: step.name, status: "interrupted", ms });
        emitter.stepEvent(step.name, "interrupted", { ms, message: `${interrupt.reason} during the step` });
        outcome.error = interruptedDuring(interrupt.reason, step.name, emitter.host, e);
        break;
      }
      outcome.timings.push({ step: step.name, status: "failed", ms });
      emitter.stepEvent(step.name, "failed", {
        ms,
        message: message(e),
        ...(e instanceof StepFailure ? { data: e.data } : {}),
      });
      outcome.error = e;
      break;
    }
    await faultAt(options.fault ?? null, step.name, "after");
  }
  if (outcome.error) {
    options.onError?.(outcome.error);
    await undoAll(undos, state, emitter, outcome);
  }
  await runAlways(started, state, emitter, outcome);
  emitter.step = undefined;
  interrupt?.pending.delete(emitter.host);
  return outcome;
}

/** The error of a step the interrupt ended; the step's own error is named when it was not the abort itself. */
function interruptedDuring(reason: string, step: string, host: string, e: unknown): InterruptedError {
  const own = e === reason ? "" : ` (${message(e)})`;
  // A step that knows what its interruption leaves (a committed release's drain) says so in its own hint.
  const hint =
    e instanceof InterruptedError && e.hint ? e.hint : "what this run had changed was undone; deploy again when ready";
  return new InterruptedError(`interrupted by ${reason} during step ${step}${own}`, { host, step, hint });
}

async function undoAll(undos: Step[], state: FlowState, emitter: HostEmitter, outcome: RunOutcome): Promise<void> {
  for (const step of [...undos].reverse()) {
    emitter.step = step.name;
    const t0 = Date.now();
    try {
      if ((await step.undo?.(state)) === "nothing") continue;
      outcome.undone.push(step.name);
      emitter.stepEvent(step.name, "undone", { ms: Date.now() - t0 });
    } catch (e) {
      outcome.undoErrors.push(`undo of ${step.name} failed: ${message(e)}`);
      emitter.stepEvent(step.name, "failed", { ms: Date.now() - t0, message: `undo failed: ${message(e)}` });
      emitter.log(`undo of ${step.name} failed: ${message(e)}`, "error");
    }
  }
}

async function runAlways(started: Step[], state: FlowState, emitter: HostEmitter, outcome: RunOutcome): Promise<void> {
  for (const step of [...started].reverse()) {
    if (!step.always) continue;
    emitter.step = step.name;
    try {
      await step.always(state);
    } catch (e) {
      outcome.alwaysErrors.push(`${step.name}: ${message(e)}`);
      emitter.log(`${step.name} cleanup failed: ${message(e)}`, "error");
    }
  }
}

/**
 * Check mode: each step's plan over the same list the run uses. Plans only read the host, so they run at once (one
 * round trip's wait for all of their reads); each one's lines are held and printed in step order, those of a plan
 * that failed last, then its error is thrown.
 */
export async function planSteps(steps: readonly Step[], state: FlowState, emitter: HostEmitter): Promise<void> {
  const planned = steps.flatMap((step) => {
    if (!step.plan) return [];
    const held = emitter.held(step.name);
    // The step sees the run's state; its lines go to its own held emitter.
    const own: FlowState = Object.create(state, {
      emitter: { value: held.emitter },
      say: { value: (line: string) => held.emitter.log(line) },
      raw: { value: (line: string) => held.emitter.raw(line) },
    });
    return [{ held, done: step.plan(own) }];
  });
  const results = await Promise.allSettled(planned.map((p) => p.done));
  for (const [i, { held }] of planned.entries()) {
    held.flush();
    const result = results[i];
    if (result?.status === "rejected") throw result.reason;
  }
}

const mark: Partial<Record<StepTiming["status"], string>> = { failed: " FAILED", interrupted: " INTERRUPTED" };

/** The recap's per-step durations: `lock 0.1s, backup 2.3s, ...` (failed and interrupted steps marked). */
export function formatTimings(timings: readonly StepTiming[]): string {
  return timings.map((t) => `${t.step}${mark[t.status] ?? ""} ${(t.ms / 1000).toFixed(1)}s`).join(", ");
}
