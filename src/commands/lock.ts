/**
 * Pure argv builders of the deploy lock (src/lock/lock.ts): a directory whose atomic creation is the lock. `mkdir`
 * without `-p` fails when the directory exists, so of two runs exactly one gets it.
 */

/** Takes the lock: exit 0 only for the run that created the directory. */
export function takeLockArgv(lockDir: string): string[] {
  return ["mkdir", "--", lockDir];
}

/** Exit 0 when the lock is held (the directory exists). */
export function lockHeldArgv(lockDir: string): string[] {
  return ["test", "-d", lockDir];
}
