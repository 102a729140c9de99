/**
 * The recap printed at the end of a deploy or rollback: a head line, then the playbook engine's PLAY RECAP block
 * (engine/recap.ts, the one format), each host's steps counted as Ansible counts tasks, with their summed time.
 */
import { countOutcome, emptyRecap, formatRecapRows, type RecapRow } from "../engine/recap.js";
import type { HostRecap } from "../engine/types.js";
import type { DeployEvent } from "./events.js";
import type { HostResult, HostStatus } from "./types.js";

/** Per host: the counts of its ended steps and their summed wall time (ms). */
export type StepTally = Map<string, { counts: HostRecap; ms: number }>;

/**
 * Counts a step's end into `tally` (ok, changed, skipped, failed; `started`, `undone` and `interrupted` are not task
 * ends). Any other event is ignored, so a run's whole event stream can be passed through.
 */
export function tallyEvent(tally: StepTally, event: DeployEvent): void {
  if (event.kind !== "step") return;
  const { status } = event;
  if (status !== "ok" && status !== "changed" && status !== "skipped" && status !== "failed") return;
  const entry = tally.get(event.host) ?? { counts: emptyRecap(), ms: 0 };
  countOutcome(entry.counts, { status });
  entry.ms += event.ms ?? 0;
  tally.set(event.host, entry);
}

/** A host no step ran on (unreachable, failed before its steps, or only planned) counts as one task of its status. */
function countsOfStatus(status: HostStatus): HostRecap {
  const counts = emptyRecap();
  countOutcome(counts, { status });
  return counts;
}

/** `perHost`: the run names no one release (a rollback whose hosts go to their own previous ones): each row does. */
function rowOf(h: HostResult, tally: StepTally, perHost: boolean): RecapRow {
  const to = perHost && h.release ? ` release=${h.release}` : "";
  const color = h.color ? `${to} live=${h.color}` : to;
  const url = h.url && h.status !== "failed" && h.status !== "unreachable" ? ` ${h.url}` : "";
  const error = h.error ? `: ${h.error}` : "";
  const ran = tally.get(h.name);
  const note = `${h.status}${color}${url}${error}`;
  return ran
    ? { host: h.name, counts: ran.counts, ms: ran.ms, note }
    : { host: h.name, counts: countsOfStatus(h.status), note };
}

/**
 * `deploy <release>: succeeded in 1.2s`, then `PLAY RECAP` and one line per host: its step counts, their time, its
 * status, live color, URL and error (and its release when the head names none: a rollback to several). A check-mode run says `plan of deploy <release>: ready` instead, so a log never
 * shows "succeeded" for a run that only planned (the CLI plans before every real run).
 */
export function formatRecap(
  kind: string,
  release: string,
  hosts: readonly HostResult[],
  seconds: number,
  check = false,
  tally: StepTally = new Map(),
): string {
  const ok = hosts.every((h) => h.status === "ok" || h.status === "changed");
  // A rollback that found no target has no release id: `rollback: FAILED`, not `rollback : FAILED`.
  const what = release ? `${kind} ${release}` : kind;
  const head = check ? `plan of ${what}: ${ok ? "ready" : "FAILED"}` : `${what}: ${ok ? "succeeded" : "FAILED"}`;
  const perHost = !release;
  return [`${head} in ${seconds.toFixed(1)}s`, ...formatRecapRows(hosts.map((h) => rowOf(h, tally, perHost)))].join(
    "\n",
  );
}
