/** A step's progress reporter: its host's emitter, attributed to the running step. */
import type { ProgressReporter } from "../progress.js";
import type { FlowState } from "./types.js";

export function progressOf(s: FlowState): ProgressReporter {
  return (what, waitedMs, last) => s.emitter.progress(what, waitedMs, last);
}
