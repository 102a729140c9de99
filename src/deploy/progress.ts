/**
 * Progress of a long step: while it runs, about once a second, one structured progress event (src/deploy/events.ts)
 * saying what it waits for, how long it has waited and its latest detail (bytes sent, layers pulled). The CLI shows
 * them as a live line on a terminal, plain lines otherwise, and the Action inside the step's log group.
 */

import type { DeployEventSink } from "./events.js";

/** Where progress goes: HostEmitter.progress (`what`, milliseconds waited, the latest detail). */
export type ProgressReporter = (what: string, waitedMs: number, last?: string) => void;

export interface ProgressOptions {
  /** Milliseconds between events (default 1000). */
  everyMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

/**
 * Runs `work` and reports `what` every `everyMs` while it runs; the first report comes after `everyMs`, so a step done
 * within a second says nothing. `work` gets `note(detail)` to set the detail the next reports carry. Resolves or
 * rejects as `work` does; reports stop when it settles.
 */
export async function withProgress<T>(
  report: ProgressReporter | undefined,
  what: string,
  work: (note: (detail: string) => void) => Promise<T>,
  options: ProgressOptions = {},
): Promise<T> {
  let detail: string | undefined;
  const note = (text: string) => {
    detail = text;
  };
  if (!report) return work(note);
  const now = options.now ?? Date.now;
  const started = now();
  const timer = setInterval(() => report(what, now() - started, detail), options.everyMs ?? 1000);
  try {
    return await work(note);
  } finally {
    clearInterval(timer);
  }
}

/** Progress of work on the machine running Slipway (the image build): events of host `local`, step `step`. */
export function runnerProgress(sink: DeployEventSink, step: string): ProgressReporter {
  return (what, waitedMs, last) =>
    sink({ kind: "progress", host: "local", step, what, waitedMs, ...(last ? { last } : {}) });
}
