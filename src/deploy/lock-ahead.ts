/**
 * The deploy lock taken while the plan reads the host (a deploy or rollback that will run and change the host: not
 * check mode, not a re-deploy of the live release, prepare-looks.ts), and what the reconcile reads under it (the
 * color file and history again, the switch intent, the color nginx serves) plus
 * preflight's `nginx -t`, in the round trip after the lock's: both hide behind the plan's own reads (docker and
 * `sudo`, the slowest of the plan), so the run starts at the stage, two round trips earlier. The lock is then held
 * through the confirmation; a plan that runs nothing releases it (releaseLocksAhead), the lock step's `always` does
 * otherwise. One attempt only: a lock held (or a first deploy, whose deploy dir the lock step makes) leaves it to the
 * lock step as before (`--lock-wait`, `--force-unlock`, the stale holder).
 */
import type { Color } from "../config/index.js";
import { releaseLockHeldBy, tryLock } from "../lock/lock.js";
import { readIntent, type SwitchIntent } from "./intent.js";
import { servedColor } from "./nginx.js";
import { settleAll } from "./settle.js";
import { startNginxTest } from "./steps/preflight.js";
import type { FlowState } from "./steps/types.js";

/** What was read once the lock was taken ahead: the texts of the color file and history, the intent, nginx's color. */
export interface LockedReads {
  colorFile: string | undefined;
  historyFile: string | undefined;
  intent: SwitchIntent | null;
  served: Color | null;
}

/**
 * Starts taking the lock and the reads under it (s.lockAhead), when the host has a deploy dir (a live release) and
 * nobody held the lock when the plan read it. Resolves null when the lock could not be taken at once.
 */
export function startLockAhead(s: FlowState, lockFree: boolean): void {
  if (s.run.check || !lockFree || s.live.release === null) return;
  s.lockAhead = lockThenRead(s);
  // Awaited by the lock step (or released unused): a rejection here is not "unhandled" meanwhile.
  s.lockAhead.catch(() => undefined);
}

async function lockThenRead(s: FlowState): Promise<LockedReads | null> {
  const { host, actor, commit, runId } = s.run;
  if (!(await tryLock(host, s.paths.lock, actor, commit, runId))) return null;
  return readUnderLock(s);
}

/**
 * The reads under a lock this run holds (taken by lockThenRead, from prepareHost once the host's first reads said
 * the run changes it, or from planHost):
 * `nginx -t` started, the color file and history again, the intent and the color nginx serves, at once.
 */
async function readUnderLock(s: FlowState): Promise<LockedReads> {
  const { host } = s.run;
  if (s.role.switches) void startNginxTest(s);
  const [colorFile, historyFile, intent, served] = await settleAll([
    host.readFile(s.paths.color),
    host.readFile(s.paths.history),
    s.role.switches ? readIntent(host, s.paths) : null,
    s.role.switches ? servedColor(s.bypass) : null,
  ]);
  return { colorFile: colorFile?.toString("utf8"), historyFile: historyFile?.toString("utf8"), intent, served };
}

/**
 * Releases the locks taken ahead that no lock step took over (the plan ran nothing: declined, failed, nothing to do,
 * or the host's batch never ran): only a lock recording this run's id is removed.
 */
export async function releaseLocksAhead(states: readonly FlowState[]): Promise<void> {
  await Promise.all(
    states
      .filter((s) => s.lockAhead && !s.lockHanded)
      .map(async (s) => {
        s.lockHanded = true;
        if (!(await s.lockAhead?.catch(() => true))) return;
        await releaseLockHeldBy(s.run.host, s.paths.lock, s.run.runId).catch((e: unknown) =>
          s.say(`could not release the deploy lock ${s.paths.lock}: ${e instanceof Error ? e.message : String(e)}`),
        );
      }),
  );
}
