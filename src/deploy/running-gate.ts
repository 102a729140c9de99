/**
 * The running gate (`health.type: running`, the default of a worker: a service without `port`): the color's
 * processes of the service run, pass their container healthcheck if they have one, and keep running without an exit
 * or a restart for `health.stable`. Kamal's readiness of a role without a proxy is "the container runs"; the stable
 * window also catches the worker that connects to its queue, fails and exits a second later.
 */
import type { ServiceConfig } from "../config/index.js";
import { durationSeconds } from "../render/from-config/common.js";
import { pauseUnlessAborted } from "../verify/pause.js";
import { judgeProcesses, type ProcessState } from "./process-state.js";

/** What the gate waits for (config/schema/worker-checks.ts: the cross-checks read the same rule). */
export { gateKind } from "../config/schema/worker-checks.js";

export interface RunningGateArgs {
  /** How long every process must stay up (health.stable), ms. */
  stableMs: number;
  /** Give up after this long from the first poll (health.timeout), ms. */
  timeoutMs: number;
  /** Pause between two reads of the state, ms. */
  pollMs: number;
}

/** A process is read this often: a crash within the stable window is seen within half a second. */
export const RUNNING_POLL_MS = 500;

/** The gate's arguments from a service's `health` (defaults: stable 5 s, timeout 60 s). */
export function runningGateArgs(name: string, service: Pick<ServiceConfig, "health">): RunningGateArgs {
  const h = service.health;
  const field = `services.${name}.health`;
  return {
    stableMs: (h ? durationSeconds(h.stable, `${field}.stable`) : 5) * 1000,
    timeoutMs: (h ? durationSeconds(h.timeout, `${field}.timeout`) : 60) * 1000,
    pollMs: RUNNING_POLL_MS,
  };
}

export interface RunningOutcome {
  ok: boolean;
  attempts: number;
  /** The states of the last read, or why the gate failed (`shop-worker-green exited (code 1, restarted 1 time)`). */
  last: string;
}

/**
 * Reads the processes' states (`read`) every `pollMs` until they have been up for `stableMs` ({ ok: true }), one
 * exits, restarts or turns unhealthy ({ ok: false } at once), or `timeoutMs` passes ({ ok: false }). Restarts count
 * from the first read that found processes. Never throws for a failing process; a `read` that throws (the connection
 * is gone) is not caught; an aborted `signal` throws its reason. `now` is the clock (ms), replaced in unit tests.
 */
export async function waitRunning(
  read: () => Promise<ProcessState[]>,
  args: RunningGateArgs,
  onPoll?: (poll: { attempts: number; elapsedMs: number; last: string }) => void,
  signal?: AbortSignal,
  now: () => number = Date.now,
): Promise<RunningOutcome> {
  const started = now();
  let upSince: number | null = null;
  let baseline: Map<string, number> | null = null;
  for (let attempts = 1; ; attempts++) {
    signal?.throwIfAborted();
    const states = await read();
    if (baseline === null && states.length > 0) baseline = new Map(states.map((p) => [p.name, p.restarts]));
    const verdict = judgeProcesses(states, baseline ?? new Map());
    const at = now();
    if (verdict.kind === "failed") return { ok: false, attempts, last: verdict.reason };
    upSince = verdict.kind === "up" ? (upSince ?? at) : null;
    if (upSince !== null && at - upSince >= args.stableMs) {
      return { ok: true, attempts, last: `${verdict.last} for ${Math.round((at - upSince) / 100) / 10}s` };
    }
    if (at - started >= args.timeoutMs) {
      const up = upSince === null ? "" : ` (up ${Math.round((at - upSince) / 100) / 10}s of ${args.stableMs / 1000}s)`;
      return { ok: false, attempts, last: `${verdict.last}${up} after ${args.timeoutMs / 1000}s` };
    }
    onPoll?.({ attempts, elapsedMs: at - started, last: verdict.last });
    await pauseUnlessAborted(args.pollMs, signal);
  }
}
