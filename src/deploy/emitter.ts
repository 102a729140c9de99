/**
 * One host's side of the event stream: log lines and diffs attributed to the step that is running, step events with
 * durations.
 */
import type { DeployEvent, DeployEventSink, StepStatus } from "./events.js";

export class HostEmitter {
  /** The step running now (set by the runner); log lines carry it. */
  step: string | undefined;

  constructor(
    readonly host: string,
    private readonly sink: DeployEventSink,
  ) {}

  log(message: string, level: "info" | "warn" | "error" = "info"): void {
    this.sink({ kind: "log", level, message, host: this.host, ...(this.step ? { step: this.step } : {}) });
  }

  /** A line shown as is (a log tail, a diff), without a `[host]` prefix. */
  raw(message: string): void {
    this.sink({ kind: "log", level: "info", message, ...(this.step ? { step: this.step } : {}) });
  }

  diff(path: string, diff: string): void {
    this.sink({ kind: "diff", host: this.host, step: this.step ?? "plan", path, diff });
  }

  /**
   * An emitter for `step` whose events are held back until `flush()` sends them here: steps planned at once still
   * print in step order.
   */
  held(step: string): { emitter: HostEmitter; flush: () => void } {
    const events: DeployEvent[] = [];
    const emitter = new HostEmitter(this.host, (event) => events.push(event));
    emitter.step = step;
    const flush = () => {
      for (const event of events.splice(0)) this.sink(event);
    };
    return { emitter, flush };
  }

  /** A progress event of the running step (callers throttle: about one a second). */
  progress(what: string, waitedMs: number, last?: string): void {
    this.sink({
      kind: "progress",
      host: this.host,
      step: this.step ?? "wait",
      what,
      waitedMs,
      ...(last ? { last } : {}),
    });
  }

  stepEvent(
    step: string,
    status: StepStatus,
    extra: { ms?: number; message?: string; data?: Record<string, unknown> } = {},
  ): void {
    this.sink({ kind: "step", host: this.host, step, status, ...extra });
  }
}

/** Every sink gets every event; a sink that throws does not stop the deploy or the other sinks. */
export function fanOut(...sinks: Array<DeployEventSink | undefined>): DeployEventSink {
  const live = sinks.filter((s): s is DeployEventSink => s !== undefined);
  return (event) => {
    for (const sink of live) {
      try {
        sink(event);
      } catch {
        // A formatter's bug must not turn a deploy into a failure half way through.
      }
    }
  };
}
