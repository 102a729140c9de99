/**
 * SIGINT/SIGTERM/SIGHUP during a deploy (Ctrl-C, a cancelled Actions job, a closed terminal): the first signal asks
 * the runners to start no new step and run their undo chains, which must finish within a deadline; a second signal,
 * or the deadline, exits at once and prints what was left and how to clear it.
 */

export const INTERRUPT_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
type InterruptSignal = (typeof INTERRUPT_SIGNALS)[number];

/** Shared by every host's runner: `reason` is the first signal's name once one arrived. */
export class Interrupt {
  reason: string | null = null;
  private readonly controller = new AbortController();
  /**
   * Aborted (reason: the signal's name) by the first signal: a long wait (the health gate's polls) ends within a
   * poll instead of running to its own timeout.
   */
  readonly signal: AbortSignal = this.controller.signal;
  /** Records the first signal and aborts `signal`. */
  raise(signal: string): void {
    this.reason = signal;
    this.controller.abort(signal);
  }
  /** What is still held or running, per host (for the message on a hard exit). */
  readonly pending = new Map<string, string>();
}

export interface InterruptOptions {
  /**
   * Milliseconds the undo chains get after the first signal; default 60 s. (A cancelled Actions job sends SIGINT,
   * SIGTERM 7.5 s later, then SIGKILL: what is left then is the action's post step's to clean.)
   */
  deadlineMs?: number;
  /** Where the messages go (default stderr). */
  write?: (line: string) => void;
  /** How to leave at once (default process.exit). */
  exit?: (code: number) => void;
  /**
   * Milliseconds after the first signal during which the same signal again is the same request; default 1000.
   * A terminal's Ctrl-C reaches the whole process group, and a wrapper (`npm run`, tsx) relays it to us again, so
   * one keypress arrives twice within milliseconds: counting that as "exit now" would skip the undo.
   */
  repeatWindowMs?: number;
}

/** 128 + signal number: the exit status shells use for a process ended by that signal. */
function exitCode(signal: InterruptSignal): number {
  return signal === "SIGINT" ? 130 : signal === "SIGHUP" ? 129 : 143;
}

/**
 * Installs the handlers for the duration of `body` (removed afterwards, so a library caller's own handlers come
 * back). `body` receives the Interrupt its runners check between steps.
 */
export async function withInterrupts<T>(
  body: (interrupt: Interrupt) => Promise<T>,
  options: InterruptOptions = {},
): Promise<T> {
  const interrupt = new Interrupt();
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let timer: NodeJS.Timeout | undefined;
  let firstAt = 0;
  const hardExit = (why: string, signal: InterruptSignal) => {
    write(`slipway: ${why}: exiting now without finishing the undo.`);
    for (const [host, what] of interrupt.pending) write(`  ${host}: ${what}`);
    write(
      "  to clear: `slipway lock status` shows each lock's holder; `slipway lock release` frees it; then deploy again (it converges) or `slipway rollback`.",
    );
    exit(exitCode(signal));
  };
  const handler = (signal: InterruptSignal) => {
    if (interrupt.reason) {
      const relayed = signal === interrupt.reason && Date.now() - firstAt < (options.repeatWindowMs ?? 1000);
      if (relayed) return;
      return hardExit(`second signal (${signal})`, signal);
    }
    interrupt.raise(signal);
    firstAt = Date.now();
    write(`slipway: ${signal}: no new step starts; undoing what this run changed (send it again to exit at once)`);
    timer = setTimeout(() => hardExit("the undo did not finish in time", signal), options.deadlineMs ?? 60_000);
    timer.unref();
  };
  for (const signal of INTERRUPT_SIGNALS) process.on(signal, handler);
  try {
    return await body(interrupt);
  } finally {
    for (const signal of INTERRUPT_SIGNALS) process.off(signal, handler);
    if (timer) clearTimeout(timer);
  }
}
