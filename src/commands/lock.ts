/**
 * Pure argv builders of the deploy lock (src/lock/lock.ts): a directory whose atomic creation is the lock. `mkdir`
 * without `-p` fails when the directory exists, so of two runs exactly one gets it.
 */

/** takeLockArgv's exit code when the directory was made but the record could not be written (it is removed again). */
export const LOCK_RECORD_FAILED = 4;

/**
 * Takes the lock and writes its record in one command: exit 0 only for the run that created the directory, which
 * then holds `holder` = `record` (written beside it and renamed, so a reader never sees half a record). Exit 1 with
 * mkdir's stderr when the directory exists or cannot be made; LOCK_RECORD_FAILED when the record could not be written
 * (the directory is removed again: a lock without a record would look held by an unknown holder).
 */
export function takeLockArgv(lockDir: string, record: string): string[] {
  const script = [
    'mkdir -- "$1" || exit 1',
    "umask 022",
    `printf '%s\\n' "$2" > "$1/.holder.tmp" && mv -fT -- "$1/.holder.tmp" "$1/holder" && exit 0`,
    `rm -f -- "$1/.holder.tmp"; rmdir -- "$1"; exit ${LOCK_RECORD_FAILED}`,
  ].join("\n");
  return ["sh", "-c", script, "slipway-lock", lockDir, record];
}

/** Exit 0 when the lock is held (the directory exists). */
export function lockHeldArgv(lockDir: string): string[] {
  return ["test", "-d", lockDir];
}

/** What releaseLockArgv prints: the lock was this run's and is gone, nobody held it, or another run holds it. */
export type LockRelease = "released" | "not-held" | "held-by-other";

/**
 * Releases the lock in one command only when its record names `runId` (the record is JSON.stringify's, so the pair is
 * `"run_id":"<id>"` exactly); prints one LockRelease word. The caller checks that lockDir is a lock directory
 * (isStrictlyUnder its deploy dir) first, as for every `rm -rf`.
 */
export function releaseLockArgv(lockDir: string, runId: string): string[] {
  const script = [
    '[ -d "$1" ] || { echo not-held; exit 0; }',
    'case "$(cat -- "$1/holder" 2>/dev/null)" in',
    `  *'"run_id":"'"$2"'"'*) rm -rf -- "$1" && echo released ;;`,
    "  *) echo held-by-other ;;",
    "esac",
  ].join("\n");
  return ["sh", "-c", script, "slipway-unlock", lockDir, runId];
}
