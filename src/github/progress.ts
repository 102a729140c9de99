/**
 * The deploy's structured events (src/deploy/events.ts) as the Actions log shows them and the job summary reports
 * them. Hosts run in parallel but a log group cannot interleave with another, so each host's lines are held until
 * its step ends, then written at once as one group `host: step (status, time)`. Nothing here parses text.
 */
import { type DeployEvent, progressText, type ServiceLogs, type StepEvent } from "../deploy/events.js";

/** One finished step on one host, for the summary's timing table. */
export interface StepTiming {
  host: string;
  step: string;
  status: StepEvent["status"];
  ms?: number;
  message?: string;
  /** A failed gate's last log lines, one group per process (the event's `data.logs`). */
  logs?: ServiceLogs[];
}

/** A file diff from check mode or a real run (already redacted by the deploy, redacted again on output). */
export interface FileDiff {
  host: string;
  step: string;
  path: string;
  diff: string;
}

/** What the summary needs, gathered from the events of one run. */
export interface ProgressReport {
  steps: StepTiming[];
  diffs: FileDiff[];
  /** Backup id per host: HostEvent.backup or a step's `data.backup`. */
  backups: Record<string, string>;
}

/** Where the grouped log goes: `group(title, lines)` writes one whole group; `line` writes a line outside groups. */
export interface LogSink {
  group(title: string, lines: string[]): void;
  line(level: "info" | "warn" | "error", text: string): void;
}

const ENDED: ReadonlySet<StepEvent["status"]> = new Set([
  "ok",
  "changed",
  "skipped",
  "failed",
  "undone",
  "interrupted",
]);

/** "1.2s", "850ms", "2m05s": a step's wall time for people. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}

/** Collects a run's events into groups and the report; `flush()` writes what an interrupted step left pending. */
export class ProgressGroups {
  readonly report: ProgressReport = { steps: [], diffs: [], backups: {} };
  private readonly pending = new Map<string, string[]>();

  constructor(private readonly log: LogSink) {}

  readonly onEvent = (event: DeployEvent): void => {
    if (event.kind === "step") this.step(event);
    else if (event.kind === "diff") {
      this.report.diffs.push({ host: event.host, step: event.step, path: event.path, diff: event.diff });
      this.hold(event.host, event.step, `diff ${event.path}:`, ...event.diff.split("\n"));
    } else if (event.kind === "log") {
      if (event.host && event.step) this.hold(event.host, event.step, event.message);
      else this.log.line(event.level, event.host ? `[${event.host}] ${event.message}` : event.message);
    } else if (event.kind === "progress") {
      // Inside the step's group, in order with its other lines; work outside a host's steps (the image build on the
      // runner) has no group to wait for: a line as it happens.
      if (this.pending.has(keyOf(event.host, event.step))) this.hold(event.host, event.step, progressText(event));
      else this.log.line("info", `[${event.host}] ${progressText(event)}`);
    } else {
      if (event.backup) this.report.backups[event.host] = event.backup;
      const live = event.release ? ` (release ${event.release}${event.color ? ` on ${event.color}` : ""})` : "";
      // Not an annotation: the step's failure is reported once, by the run's final error.
      this.log.line("info", `[${event.host}] ${event.status}${live}${event.error ? `: ${event.error}` : ""}`);
    }
  };

  /**
   * Writes every group still open: steps a plan only described (no start or end events in check mode), or steps a
   * failed or interrupted run left (`note` "unfinished" says so in the title).
   */
  flush(note?: string): void {
    for (const [key, lines] of this.pending) {
      this.log.group(`${key.replace("\u0000", ": ")}${note ? ` (${note})` : ""}`, lines);
    }
    this.pending.clear();
  }

  private step(event: StepEvent): void {
    const backup = event.data?.backup;
    if (typeof backup === "string") this.report.backups[event.host] = backup;
    if (event.status === "started") {
      this.hold(event.host, event.step);
      return;
    }
    if (event.message) this.hold(event.host, event.step, event.message);
    if (!ENDED.has(event.status)) return;
    const logs = event.data?.logs;
    this.report.steps.push({
      host: event.host,
      step: event.step,
      status: event.status,
      ms: event.ms,
      message: event.message,
      ...(Array.isArray(logs) ? { logs: logs as ServiceLogs[] } : {}),
    });
    const key = keyOf(event.host, event.step);
    const lines = this.pending.get(key) ?? [];
    this.pending.delete(key);
    const time = event.ms === undefined ? "" : `, ${formatMs(event.ms)}`;
    this.log.group(`${event.host}: ${event.step} (${event.status}${time})`, lines);
  }

  private hold(host: string, step: string, ...lines: string[]): void {
    const key = keyOf(host, step);
    const held = this.pending.get(key) ?? [];
    held.push(...lines);
    this.pending.set(key, held);
  }
}

function keyOf(host: string, step: string): string {
  return `${host}\u0000${step}`;
}
