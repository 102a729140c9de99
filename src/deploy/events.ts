/**
 * Progress of a deploy or rollback as structured events (DESIGN.md: "progress is structured events that the CLI and
 * the Action format"). The step runner emits them; the CLI formats them for a terminal, `--json` prints them one per
 * line, the GitHub action groups them per host and step and builds its job summary from them. Nothing parses text.
 *
 * This is a public contract shared by src/deploy (producer), src/cli and src/github (consumers): change it only
 * additively.
 */
import type { HostStatus } from "./types.js";

/**
 * The last lines of one process of a service (a systemd unit or instance, a container): what a failed gate shows,
 * one group per process under its name. A failed `gate` StepEvent carries them as `data.logs: ServiceLogs[]`.
 */
export interface ServiceLogs {
  /** The service's key in slipway.yml (`services.<service>`). */
  service: string;
  /** The unit or container: `shop-web@green.service`, `shop-web-green-2`, `shop-green_web_1`. */
  name: string;
  lines: string[];
  /**
   * The process's last exit code when it exited since it was started (a container exited or restarting after a
   * crash; a systemd unit restarted by Restart=always, or down); absent while it runs as started.
   */
  exited?: number;
  /** The exit in the runtime's words, when it says more than the code (`... exited (code 1, restarted 1 time; ...)`). */
  exit?: string;
}

/** What happened to one step on one host. `undone`: its undo ran after a later failure or an interruption. */
export type StepStatus = "started" | "ok" | "changed" | "skipped" | "failed" | "undone" | "interrupted";

/** A step started, ended, or was undone on a host. `ms`: wall time of the step (absent on `started`). */
export interface StepEvent {
  kind: "step";
  host: string;
  /** The step's name as in docs/deploy.md (lock, backup, stage, start, gate, preview, switch, verify, ...). */
  step: string;
  status: StepStatus;
  ms?: number;
  /** One line for people: what the step did or why it failed. */
  message?: string;
  /** Facts other parts use: e.g. `{ backup: "<id>" }`, `{ color: "green" }`, `{ release: "<id>" }`. */
  data?: Record<string, unknown>;
}

/** A free-form line for people (never parsed). `host`/`step` tell where it belongs when known. */
export interface LogEvent {
  kind: "log";
  level: "info" | "warn" | "error";
  message: string;
  host?: string;
  step?: string;
}

/** A redacted file diff from check mode or a real run. */
export interface DiffEvent {
  kind: "diff";
  host: string;
  step: string;
  path: string;
  diff: string;
}

/** A host finished: its final status and what is live on it. */
export interface HostEvent {
  kind: "host";
  host: string;
  status: HostStatus;
  release?: string;
  color?: string;
  backup?: string;
  error?: string;
}

/**
 * A step waiting for something (the health gate today), about once a second while it waits: what it waits for, how
 * long it has waited and the last answer. A terminal shows the newest as one live line; elsewhere each is a line.
 */
export interface ProgressEvent {
  kind: "progress";
  host: string;
  step: string;
  /** What is awaited, for people: `web@green: /healthz`. */
  what: string;
  waitedMs: number;
  /** The last answer or error (`connection refused`, `HTTP 503 ...`). */
  last?: string;
}

export type DeployEvent = StepEvent | LogEvent | DiffEvent | HostEvent | ProgressEvent;

/** Where events go; the default drops them. */
export type DeployEventSink = (event: DeployEvent) => void;

/** `web@green: waiting for /healthz, 3 s, last: connection refused`: a progress event for people (CLI and Action). */
export function progressText(event: ProgressEvent): string {
  const last = event.last ? `, last: ${event.last.split("\n")[0]?.slice(0, 120)}` : "";
  return `${event.what}, ${Math.round(event.waitedMs / 1000)} s${last}`;
}
