/**
 * What prepareHost asks besides the host's state, once that state is known: the deploy lock (tried, or only looked
 * at) and preflight's privilege probe. A run that will change the host tries the lock at once (lock-ahead.ts) and
 * starts the probe beside the runtime's own reads; a re-deploy of the release the host's records name as live only
 * looks at the lock and starts no probe: it changes nothing, so there is nothing for the lock to protect from a
 * concurrent run, and nothing for the probe to vouch for. The look still finds a concurrent run (a held lock makes
 * the run go the full way, where the lock step waits or fails naming the holder), and the mkdir of a run that writes
 * nothing no longer makes a concurrent deploy fail on a lock held for nothing.
 */

import { hostRole } from "../config/layout.js";
import { type LockHolder, readLockHolder } from "../lock/lock.js";
import { checkHelperRecord, inHelperMode } from "./helper-record.js";
import type { HostRun } from "./host-run.js";
import { deployPaths } from "./paths.js";
import { checkRootMode } from "./privilege-check.js";

/** How prepareHost reads: for a plan (`plan`), and for a plan a run follows (`lockAhead`: the lock taken at once). */
export interface PrepareOptions {
  /** A plan follows: preflight's privilege probe (or the helper's record) is read with the host's state. */
  plan?: boolean;
  /**
   * A run follows the plan (not check mode): the deploy lock is tried as soon as the host's state says the run will
   * change it (lock-ahead.ts), and the reads under it start once it is taken.
   */
  lockAhead?: boolean;
}

/**
 * How prepareHost asks for the lock: `take` tries the mkdir (lock-ahead.ts: the run holds it through the plan), `look`
 * reads who holds it (a held lock sends the run the full way, where the lock step waits or fails naming the holder),
 * `none` asks nothing (check mode: `--check`, `slipway plan`).
 */
export type LockLook = "take" | "look" | "none";

/** What the host's first reads said, for the decisions below. */
export interface KnownState {
  /** A live release (its `current` link): else the lock step makes the deploy dir and takes the lock itself. */
  live: boolean;
  /** The records name the release asked for as live (live-check.ts sameOnRecord): the run may change nothing. */
  sameOnRecord: boolean;
}

/**
 * The lock's look, pure. `state` null: not read yet; `after-state` then says the state decides (a plan a run
 * follows takes the lock only when the run will change the host), anything else is asked at once, beside the reads.
 */
export function lockLook(options: PrepareOptions & { check: boolean }, state: KnownState): LockLook;
export function lockLook(
  options: PrepareOptions & { check: boolean },
  state: null,
): Exclude<LockLook, "take"> | "after-state";
export function lockLook(
  options: PrepareOptions & { check: boolean },
  state: KnownState | null,
): LockLook | "after-state" {
  if (options.check) return "none";
  if (options.plan !== true || options.lockAhead !== true) return "look";
  if (!state) return "after-state";
  return state.live && !state.sameOnRecord ? "take" : "look";
}

/**
 * Whether preflight's privilege probe starts once the state is read, pure: for a plan, unless the records name the
 * release asked for as live (prepareHost starts it after all when alreadyLive finds a difference).
 */
export function probesPrivilege(options: PrepareOptions, state: KnownState): boolean {
  return options.plan === true && !state.sameOnRecord;
}

/** Who holds the lock (`look`); undefined for `none`. */
export function lookAtLock(run: HostRun, how: Exclude<LockLook, "take">): Promise<LockHolder | undefined> | undefined {
  return how === "none" ? undefined : readLockHolder(run.host, deployPaths(run.config.deploy_dir).lock);
}

/**
 * Preflight's plan-time check of the host's privileges (helper-record.ts, privilege-check.ts), started beside the
 * runtime's reads: it depends on none of them. Preflight's plan awaits it (steps/preflight.ts checkRecord).
 */
export function startPrivilegeCheck(run: HostRun): Promise<void> {
  const { host, config } = run;
  const services = hostRole(config, host.name).services.length > 0;
  const check = inHelperMode(config, host.name)
    ? checkHelperRecord(host, config, { step: "preflight" })
    : checkRootMode(host, config, services);
  // Awaited by preflight's plan; a failure before it must not be an unhandled rejection meanwhile.
  check.catch(() => undefined);
  return check;
}
