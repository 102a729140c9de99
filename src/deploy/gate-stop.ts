/**
 * The health gate's early stop: a release whose process exits at boot must fail the gate when the runtime says so,
 * not after the whole health timeout with a hint about listen addresses (the probe alone sees only a refused port).
 * Swarm reads its task list (runtime.serviceFailure, the start's own rule: task-failures.ts failedOutcome); the
 * runtimes with process states (container, compose, systemd) read them for a crash loop (process-state.ts crashLoop).
 * The health wait asks only while the answers are unhealthy and at most every GATE_STOP_EVERY_MS, beside its polls.
 */
import type { Color } from "../config/index.js";
import type { EarlyStop } from "../verify/wait.js";
import { crashLoop, EXITS_AT_BOOT_HINT } from "./process-state.js";
import type { ColorRuntime, ServiceFailure } from "./runtime.js";

/** At most one read of the runtime per service this often while it is unhealthy, ms (a task list, an inspect). */
export const GATE_STOP_EVERY_MS = 2000;

/** One service's early stop, shared by the gates of its ports and nodes. */
export interface GateStop {
  /** healthGate's `stop`: its reason is the failure's message. */
  stop: EarlyStop;
  /** What the read that ended the gate found (undefined before one did). */
  failure(): ServiceFailure | undefined;
  /**
   * The failure's report, made once: the first gate of the service that stops calls `make` (logs, error), the gates
   * of its other nodes and instances get the same promise, so the logs print once.
   */
  reportOnce(make: () => Promise<never>): Promise<never>;
}

/**
 * `read` shared: a call within `everyMs` of the last read's start gets that read's answer (in flight or done), so the
 * gates of one service's nodes and instances cost one read per period, not one each. `now` is the clock (ms).
 */
function sharedRead<T>(read: () => Promise<T>, everyMs: number, now: () => number): () => Promise<T> {
  let last: { at: number; answer: Promise<T> } | undefined;
  return () => {
    const at = now();
    if (!last || at - last.at >= everyMs) last = { at, answer: read() };
    return last.answer;
  };
}

/** The crash-loop read of a runtime with process states: the first read that finds processes is the baseline. */
function crashLoopRead(runtime: ColorRuntime, color: Color, service: string) {
  const read = runtime.processStates;
  if (!read) return undefined;
  let baseline: Map<string, number> | undefined;
  return async (): Promise<ServiceFailure | undefined> => {
    const states = await read.call(runtime, color, service);
    if (!baseline && states.length > 0) baseline = new Map(states.map((p) => [p.name, p.restarts]));
    const reason = crashLoop(states, baseline ?? new Map());
    if (reason === undefined) return undefined;
    return {
      message: `${service} (${color}) exits at boot: ${reason}`,
      hint: EXITS_AT_BOOT_HINT,
    };
  };
}

/**
 * The early stop of `service`'s health gate in `color`: the runtime's serviceFailure when it has one, else a crash
 * loop in its processStates; undefined when it has neither. The reads are never made while the service answers
 * healthy (waitHealthy asks only after an unhealthy answer). `now` is the clock (ms), replaced in unit tests.
 */
export function gateStop(
  runtime: ColorRuntime,
  color: Color,
  service: string,
  now: () => number = Date.now,
): GateStop | undefined {
  const own = runtime.serviceFailure;
  const read = own ? () => own.call(runtime, color, service) : crashLoopRead(runtime, color, service);
  if (!read) return undefined;
  let found: ServiceFailure | undefined;
  let report: Promise<never> | undefined;
  const shared = sharedRead(read, GATE_STOP_EVERY_MS, now);
  return {
    stop: {
      everyMs: GATE_STOP_EVERY_MS,
      check: async () => {
        found ??= await shared();
        return found?.message;
      },
    },
    failure: () => found,
    reportOnce: (make) => {
      report ??= make();
      return report;
    },
  };
}
