/**
 * lock: the deploy dir exists (made on a first deploy), then the deploy lock is taken with this run's record; released by
 * this run at the end. After waiting for another run's lock, the host's state is read again (live-check.ts). A lock the
 * plan took ahead (lock-ahead.ts) is this run's already: the step only takes it over.
 */
import { ownedDirArgv } from "../../commands/files.js";
import { acquireLock, releaseLockHeldBy } from "../../lock/lock.js";
import { replanUnderLock } from "../live-check.js";
import type { Step } from "./types.js";

export const lockStep: Step = {
  name: "lock",
  async run(s) {
    const { host, user, actor, commit, forceUnlock, runId, lockWaitSeconds, interrupt } = s.run;
    // From here the lock is this step's to release (always), whether the plan took it ahead or this step does.
    s.lockHanded = true;
    if (s.lockAhead && (await s.lockAhead)) {
      s.say(`locked ${s.paths.lock}`);
      return { status: "changed", data: { run_id: runId } };
    }
    // A live release (its `current` link was read) means the deploy dir exists: only a first deploy makes it.
    if (s.live.release === null) {
      await host.exec(ownedDirArgv(s.paths.root, user), { become: true, step: "deploy dir" });
    }
    const waited = await acquireLock(host, s.paths.lock, actor, commit, {
      force: forceUnlock,
      say: s.say,
      runId,
      waitSeconds: lockWaitSeconds,
      // `reason` is null until a signal arrives.
      stopped: () => Boolean(interrupt?.reason),
    });
    s.say(`locked ${s.paths.lock}`);
    // Another run held the lock: what was read before (live color, release, history) is read again and re-planned on.
    s.lockWaited = waited;
    s.sameAfterLock = waited ? await replanUnderLock(s) : null;
    return { status: "changed", data: { run_id: runId }, ...(s.sameAfterLock ? { done: true } : {}) };
  },
  // Only a lock recording this run's id is removed: a lock we failed to take belongs to someone else.
  async always(s) {
    const outcome = await releaseLockHeldBy(s.run.host, s.paths.lock, s.run.runId);
    if (outcome === "released") s.say("unlocked");
  },
};
