/** lock: the deploy dir exists (made on a first deploy), then the deploy lock is taken with this run's record; released by this run at the end. */
import { ownedDirArgv } from "../../commands/files.js";
import { acquireLock, releaseLockHeldBy } from "../../lock/lock.js";
import type { Step } from "./types.js";

export const lockStep: Step = {
  name: "lock",
  async run(s) {
    const { host, user, actor, commit, forceUnlock, runId, lockWaitSeconds, interrupt } = s.run;
    // A live release (its `current` link was read) means the deploy dir exists: only a first deploy makes it.
    if (s.live.release === null) {
      await host.exec(ownedDirArgv(s.paths.root, user), { become: true, step: "deploy dir" });
    }
    await acquireLock(host, s.paths.lock, actor, commit, {
      force: forceUnlock,
      say: s.say,
      runId,
      waitSeconds: lockWaitSeconds,
      // `reason` is null until a signal arrives.
      stopped: () => Boolean(interrupt?.reason),
    });
    s.say(`locked ${s.paths.lock}`);
    return { status: "changed", data: { run_id: runId } };
  },
  // Only a lock recording this run's id is removed: a lock we failed to take belongs to someone else.
  async always(s) {
    const outcome = await releaseLockHeldBy(s.run.host, s.paths.lock, s.run.runId);
    if (outcome === "released") s.say("unlocked");
  },
};
