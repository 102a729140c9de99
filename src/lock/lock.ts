/**
 * The deploy lock, the one implementation for the deploy, `slipway lock` and the playbook `lock` module (an adapter
 * over it): `mkdir <deploy_dir>/.slipway-lock` + holder record, so a playbook run and a deploy exclude each other. A held lock is never removed silently: only with `force` (`--force-unlock`), and
 * then the holder it replaced is reported. The record names the run (run id, pid, runner host), so the run that took
 * it, or its cleanup after a cancel, can release exactly its own lock (releaseLockHeldBy).
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { type LockRelease, lockHeldArgv, releaseLockArgv, takeLockArgv } from "../commands/lock.js";
import { SlipwayError } from "../errors.js";
import { assertStrictlyUnder, removeUnder } from "../remote/remove.js";
import type { RemoteHost } from "../remote/types.js";

/** The lock directory of a deploy dir (`/opt/app` -> `/opt/app/.slipway-lock`). */
export function lockDir(deployDir: string): string {
  return `${deployDir.replace(/\/+$/, "")}/.slipway-lock`;
}

/**
 * The lock record, JSON in `<lock dir>/holder`. `holder`, `commit`, `since` (ISO time) always; a run also records
 * `run_id` (the Action's `<run id>-<attempt>`, the CLI's random id), `pid` and `host` (the runner's hostname) so a
 * cancelled run's cleanup releases only its own lock and `slipway lock status` can tell whether the holder is alive.
 */
export interface LockHolder {
  holder: string;
  commit: string;
  since: string;
  run_id?: string;
  pid?: number;
  host?: string;
}

/** The record from the holder file's text; a non-JSON text is an old plain-name record. Undefined for no text. */
export function parseHolder(text: string | undefined): LockHolder | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as LockHolder;
  } catch {
    return { holder: text.trim() || "(unknown)", commit: "", since: "" };
  }
}

/** "alice (commit abc123, run 42-1, pid 7 on runner-3) since 2026-01-01T00:00:00Z": who holds a lock, for messages. */
export function describeHolder(held: LockHolder | undefined): string {
  if (!held) return "an unknown holder";
  const run = [
    held.run_id ? `run ${held.run_id}` : "",
    held.pid !== undefined ? `pid ${held.pid}${held.host ? ` on ${held.host}` : ""}` : "",
  ].filter(Boolean);
  const commit = held.commit
    ? ` (commit ${held.commit}${run.length ? `, ${run.join(", ")}` : ""})`
    : " (commit unknown)";
  const since = held.since ? ` since ${held.since}` : " since an unknown time";
  return `${held.holder}${commit}${since}`;
}

export function lockHeldError(
  hostName: string,
  path: string,
  held: LockHolder | undefined,
  wait?: LockWaitOutcome,
): SlipwayError {
  // The seconds actually waited, not the flag's value: a wait cut short (a signal) must not claim the full wait.
  const waited =
    wait === undefined
      ? ""
      : wait.interrupted
        ? ` (stopped waiting after ${wait.waitedSeconds}s of --lock-wait ${wait.limitSeconds}s: the run was interrupted)`
        : ` (still, after waiting ${wait.waitedSeconds}s: --lock-wait)`;
  return new SlipwayError(`deploy lock ${path} is held by ${describeHolder(held)}${waited}`, {
    host: hostName,
    step: "lock",
    hint: "wait for that deploy to finish; if it is stale (the deploy died: see `slipway lock status`), run `slipway lock release` or deploy again with --force-unlock",
  });
}

/** Whether the lock directory exists (held by someone). */
async function lockPresent(host: RemoteHost, path: string, become: boolean): Promise<boolean> {
  return (await host.exec(lockHeldArgv(path), { check: false, become, step: "lock" })).code === 0;
}

/**
 * A lock mkdir that failed with no lock there: nobody holds it, the mkdir failed for another reason (EACCES:
 * deploy_dir belongs to another user, e.g. the helper-mode deploy user while the admin runs). Says that reason (the
 * mkdir's stderr), not "held by an unknown holder", whose --force-unlock would not help.
 */
function cannotLockError(hostName: string, path: string, made: { code: number | null; stderr?: string }) {
  const reason = made.stderr?.trim() || `exit code ${made.code}`;
  return new SlipwayError(`cannot take the deploy lock ${path}: ${reason}`, {
    host: hostName,
    step: "lock",
    command: `mkdir -- ${path}`,
    hint: `nobody holds the lock: this ssh user cannot create ${path}; run as the user that owns ${dirname(path)} (the one that deploys it), or fix its owner`,
  });
}

/** A run id for the CLI: 12 hex characters (the Action passes `${GITHUB_RUN_ID}-${GITHUB_RUN_ATTEMPT}` instead). */
export function newRunId(): string {
  return randomBytes(6).toString("hex");
}

/** The record a run writes into the lock (pure, so its shape is unit-tested). `since` is an ISO time. */
export function lockRecord(holder: string, commit: string, runId: string, now: Date = new Date()): LockHolder {
  return { holder, commit, since: now.toISOString(), run_id: runId, pid: process.pid, host: hostname() };
}

/**
 * Whether the holder process is alive: only decidable when it ran on this machine (same runner hostname) with a
 * recorded pid; null otherwise.
 */
export function holderAlive(holder: LockHolder, isAlive: (pid: number) => boolean = pidAlive): boolean | null {
  if (holder.pid === undefined || holder.host !== hostname()) return null;
  return isAlive(holder.pid);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface AcquireOptions {
  /** Remove a lock someone else holds (reported through `say`) instead of failing. */
  force?: boolean;
  say?: (line: string) => void;
  /** The run taking the lock (recorded as run_id); default a new random id. */
  runId?: string;
  /** Run the lock's commands through sudo (a playbook task with `become`). */
  become?: boolean;
  /** Seconds to wait for a held lock (`--lock-wait`), saying who holds it, before failing; default 0: fail at once. */
  waitSeconds?: number;
  /** Ends the wait early (an interrupted run starts nothing new). */
  stopped?: () => boolean;
  /** Milliseconds between attempts while waiting; default 2000 (tests shorten it). */
  pollMs?: number;
}

/** The lock's holder record, or undefined when the lock is free. A lock dir without a readable record: holder "(unknown)". */
export async function readLockHolder(host: RemoteHost, path: string, become = false): Promise<LockHolder | undefined> {
  const exists = await host.exec(lockHeldArgv(path), { check: false, become, step: "lock status" });
  if (exists.code !== 0) return undefined;
  const text = (await host.readFile(`${path}/holder`, { become }))?.toString("utf8");
  return parseHolder(text) ?? { holder: "(unknown)", commit: "", since: "" };
}

/**
 * Takes the lock (atomic mkdir) and writes the record, both in one command. Throws lockHeldError naming the holder when it is held and
 * `force` is not set; with `force` the held lock is removed (reported through `say`) and taken again. Resolves true when
 * another run held the lock as this one asked (it waited, or took a stale or forced lock over): what the caller read
 * before may have changed meanwhile.
 */
export async function acquireLock(
  host: RemoteHost,
  path: string,
  holder: string,
  commit: string,
  options: AcquireOptions = {},
): Promise<boolean> {
  const become = options.become ?? false;
  const runId = options.runId ?? newRunId();
  // The record is made at each attempt: `since` is when this run took the lock, not when it first asked.
  const mkdir = () =>
    host.exec(takeLockArgv(path, JSON.stringify(lockRecord(holder, commit, runId))), {
      check: false,
      become,
      step: "lock",
    });
  let made = await mkdir();
  // Not there after a failed mkdir: a holder that just released it (try again), or the mkdir itself failed.
  if (made.code !== 0 && !(await lockPresent(host, path, become))) {
    made = await mkdir();
    if (made.code !== 0 && !(await lockPresent(host, path, become))) throw cannotLockError(host.name, path, made);
  }
  const waitSeconds = options.force ? 0 : (options.waitSeconds ?? 0);
  let taken = made.code === 0;
  const heldWhenAsked = !taken;
  let wait: LockWaitOutcome | undefined;
  if (!taken && waitSeconds > 0) {
    wait = await waitForLock(host, path, mkdir, { ...options, waitSeconds, become });
    taken = wait.taken;
  }
  if (!taken) {
    const held = await readHolderOf(host, path, become);
    // A holder that ran on this machine and whose process is gone (killed, crashed) cannot be deploying: stale.
    const dead = held !== undefined && holderAlive(held) === false;
    if (!options.force && !dead) throw lockHeldError(host.name, path, held, wait);
    options.say?.(
      dead
        ? `taking over the stale lock ${path}: its holder ${describeHolder(held)} is no longer running on this machine`
        : `--force-unlock: removing the lock ${path} held by ${describeHolder(held)}`,
    );
    await removeUnder(host, dirname(path), path, { become, step: "force unlock" });
    made = await mkdir();
    if (made.code !== 0) {
      // Someone took it between the removal and our mkdir: that one is not stale.
      const again = parseHolder((await host.readFile(`${path}/holder`, { become }))?.toString("utf8"));
      throw lockHeldError(host.name, path, again);
    }
  }
  return heldWhenAsked;
}

/**
 * One attempt at the lock (mkdir and record in one command, as acquireLock's): true when this run took it, false when
 * it is held or could not be made (acquireLock, run after, says which and waits, takes over or fails as asked).
 */
export async function tryLock(
  host: RemoteHost,
  path: string,
  holder: string,
  commit: string,
  runId: string,
): Promise<boolean> {
  const record = JSON.stringify(lockRecord(holder, commit, runId));
  return (await host.exec(takeLockArgv(path, record), { check: false, step: "lock" })).code === 0;
}

/** How a `--lock-wait` wait ended: seconds are whole seconds actually waited and the flag's limit. */
export interface LockWaitOutcome {
  taken: boolean;
  interrupted: boolean;
  waitedSeconds: number;
  limitSeconds: number;
}

/**
 * `--lock-wait`: retries the mkdir every `pollMs` until it succeeds, the wait is over, the run is stopped or the holder
 * is found dead (the caller then takes the stale lock over). Says who holds the lock when the wait starts, when the
 * holder changes and every 15 s. Returns whether the lock was taken, the whole seconds waited and whether a stop
 * request ended the wait.
 */
async function waitForLock(
  host: RemoteHost,
  path: string,
  mkdir: () => Promise<{ code: number | null }>,
  options: AcquireOptions & { waitSeconds: number; become: boolean },
): Promise<LockWaitOutcome> {
  const started = Date.now();
  const outcome = (taken: boolean, interrupted = false): LockWaitOutcome => ({
    taken,
    interrupted,
    waitedSeconds: Math.round((Date.now() - started) / 1000),
    limitSeconds: options.waitSeconds,
  });
  const deadline = started + options.waitSeconds * 1000;
  let said = "";
  let saidAt = 0;
  for (;;) {
    const held = await readHolderOf(host, path, options.become);
    if (held !== undefined && holderAlive(held) === false) return outcome(false);
    const who = describeHolder(held);
    const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    if (who !== said || Date.now() - saidAt >= 15_000) {
      options.say?.(`waiting for the deploy lock ${path} (up to ${left}s more): held by ${who}`);
      said = who;
      saidAt = Date.now();
    }
    if (options.stopped?.()) return outcome(false, true);
    if (Date.now() >= deadline) return outcome(false);
    await new Promise((r) => setTimeout(r, Math.min(options.pollMs ?? 2000, Math.max(1, deadline - Date.now()))));
    if ((await mkdir()).code === 0) {
      const done = outcome(true);
      options.say?.(`took the deploy lock ${path} after waiting ${done.waitedSeconds}s`);
      return done;
    }
  }
}

/**
 * The holder record of a lock another run has just made: it writes the record right after its mkdir, so a record
 * not there yet is waited for (up to 1 s) before the holder is called unknown.
 */
async function readHolderOf(host: RemoteHost, path: string, become: boolean): Promise<LockHolder | undefined> {
  for (let attempt = 0; ; attempt++) {
    const held = parseHolder((await host.readFile(`${path}/holder`, { become }))?.toString("utf8"));
    if (held || attempt >= 10) return held;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Removes the lock directory, whoever holds it (callers decide whether they may). */
export async function releaseLock(host: RemoteHost, path: string, become = false): Promise<void> {
  await removeUnder(host, dirname(path), path, { become, step: "unlock" });
}

/**
 * Releases the lock only when its record names `runId` (a cancelled run's cleanup, `slipway lock release --run`).
 * `not-held`: the lock is free; `held-by-other`: another run holds it, left alone. Throws on a connection error.
 */
export async function releaseLockHeldBy(host: RemoteHost, lockPath: string, runId: string): Promise<LockRelease> {
  assertStrictlyUnder(host.name, dirname(lockPath), lockPath, "unlock");
  // One command reads the record, compares the run id and removes the lock: one round trip at the end of a run.
  const done = await host.exec(releaseLockArgv(lockPath, runId), { step: "unlock", check: false });
  const answer = done.stdout.trim();
  if (done.code === 0 && (answer === "released" || answer === "not-held" || answer === "held-by-other")) return answer;
  throw new SlipwayError(
    `cannot remove the deploy lock ${lockPath}: ${done.stderr.trim() || `exit code ${done.code}`}`,
    {
      host: host.name,
      step: "unlock",
      command: `rm -rf -- ${lockPath}`,
      hint: "see `slipway lock status`; release it with `slipway lock release` if it is this run's",
    },
  );
}
