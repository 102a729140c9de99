/**
 * The terminal's view of a deploy's events (src/deploy/events.ts): log lines as `[host] message`, diffs as they are,
 * and the steps that failed, were undone or interrupted with their duration. `--json` prints every event instead,
 * one JSON object per line, for scripts.
 */
import { type DeployEvent, type DeployEventSink, progressText } from "../deploy/events.js";

/** One event as terminal text; null when the event has no line of its own (started/ok steps, host ends). */
export function formatEvent(event: DeployEvent): string | null {
  switch (event.kind) {
    case "log":
      return event.host ? `[${event.host}] ${event.message}` : event.message;
    case "diff":
      return event.diff;
    case "progress":
      return `[${event.host}] ${progressText(event)}`;
    case "step": {
      if (event.status !== "failed" && event.status !== "undone" && event.status !== "interrupted") return null;
      const ms = event.ms === undefined ? "" : ` (${(event.ms / 1000).toFixed(1)}s)`;
      return `[${event.host}] step ${event.step} ${event.status}${ms}${event.message ? `: ${event.message}` : ""}`;
    }
    default:
      return null;
  }
}

/** The CLI's sink: text lines, or JSON lines with `json`. */
export function terminalSink(write: (line: string) => void, json = false): DeployEventSink {
  return (event) => {
    if (json) return write(JSON.stringify(event));
    const line = formatEvent(event);
    if (line !== null) write(line);
  };
}

/**
 * One line a terminal rewrites in place (`\r` + erase line): the newest progress event. `clear()` erases it before
 * any other line is printed, so progress never mixes into the log.
 */
export function liveLine(write: (text: string) => void): { show: (line: string) => void; clear: () => void } {
  let shown = false;
  const width = process.stdout.columns || 120;
  return {
    show: (line) => {
      write(`\r\x1b[2K${line.slice(0, width - 1)}`);
      shown = true;
    },
    clear: () => {
      if (shown) write("\r\x1b[2K");
      shown = false;
    },
  };
}

/**
 * The sink a deploy or rollback command passes as onEvent: text lines (stdout; stderr with --json, which keeps stdout
 * for the result) or, with --events, JSON lines; `interrupted()` says whether a step ended `interrupted`. With
 * `run.live` (stdout is a terminal) progress events are one live line instead of a line each.
 */
export function runSink(
  run: { out: (line: string) => void; err: (line: string) => void; live?: ((text: string) => void) | null },
  flags: { json?: boolean; events?: boolean },
): { sink: DeployEventSink; interrupted: () => boolean } {
  let interrupted = false;
  const print = terminalSink(flags.json ? run.err : run.out, flags.events);
  const live = !flags.events && !flags.json && run.live ? liveLine(run.live) : null;
  return {
    sink: (event) => {
      if (event.kind === "step" && event.status === "interrupted") interrupted = true;
      if (live && event.kind === "progress") return live.show(formatEvent(event) ?? "");
      live?.clear();
      print(event);
    },
    interrupted: () => interrupted,
  };
}
