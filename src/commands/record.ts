/**
 * The argv that records a release live on a host in one round trip (deploy/host-state.ts recordLive): a pure builder,
 * tested by exact value and run by sh in the unit tests. Built from the write and symlink scripts of files.ts.
 */
import { SWAP_SYMLINK_SCRIPT, WRITE_SCRIPT } from "./files.js";

/**
 * A release recorded live in one round trip: $1 the history file (its content on stdin, $2 its length in bytes), $3
 * the release directory, $4 the `current` link, $5 the color file, $6 the color, $7 the switch intent. The history is
 * written as WRITE_SCRIPT writes (mode 0644), `current` swapped as SWAP_SYMLINK_SCRIPT does, the color file written,
 * and the intent removed last: a failure or a kill on the way stops the script with the intent still there, for the
 * next run's reconcile. Each helper runs in a subshell, so its own `trap` and variables stay its own.
 */
export const RECORD_SCRIPT = `set -e
write() (
${WRITE_SCRIPT}
)
swap() (
${SWAP_SYMLINK_SCRIPT}
)
write "$1" 0644 "" "" "$2"
swap "$3" "$4"
printf '%s\n' "$6" | write "$5" 0644 "" "" ""
rm -f -- "$7"`;

/** What RECORD_SCRIPT writes: the paths, the color, and the history's length in bytes (its content goes on stdin). */
export interface RecordFiles {
  history: string;
  historyBytes: number;
  release: string;
  current: string;
  colorFile: string;
  color: string;
  intent: string;
}

/** The argv of RECORD_SCRIPT (the history's content on stdin). */
export function recordArgv(files: RecordFiles): string[] {
  const { history, historyBytes, release, current, colorFile, color, intent } = files;
  return [
    "/bin/sh",
    "-c",
    RECORD_SCRIPT,
    "slipway-record",
    history,
    String(historyBytes),
    release,
    current,
    colorFile,
    color,
    intent,
  ];
}
