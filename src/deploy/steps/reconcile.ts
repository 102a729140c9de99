/**
 * reconcile: what an earlier run left. A switch intent means a run died between pointing nginx at a new color and
 * recording it: nginx goes back to the recorded color (when it runs) and is reloaded, so this run starts from what
 * the history says; with nginx stopped the run (and its plan) refuses before anything moved. Without an intent, the
 * live color is what nginx serves (its per-color header), not the file.
 */

import { clearIntent, readIntent } from "../intent.js";
import { recheckRead, recheckUnderLock } from "../live-check.js";
import { servedColor } from "../nginx.js";
import { nginxDownError } from "../nginx-running.js";
import { otherColor } from "../release-id.js";
import { nginxDown, refuseNginxDownAtPlan, startNginxTest } from "./preflight.js";
import { switchAndReload } from "./switch.js";
import type { FlowState, Step, StepResult } from "./types.js";

/** The release asked for turned out live under the lock: the run ends here (host-flow says so). */
function sameAfterLock(s: FlowState, same: string | null): StepResult | null {
  if (!same) return null;
  s.sameAfterLock = same;
  return { status: "ok", done: true };
}

/**
 * A switch intent the plan finds with nginx stopped: the run's reconcile would refuse it, so the plan does, with the
 * same words (read only when nginx is down: a plan of a running nginx reads nothing more).
 */
async function planIntent(s: FlowState): Promise<void> {
  if (!(await nginxDown(s))) return;
  const ahead = s.lockAhead ? await s.lockAhead.catch(() => null) : null;
  const intent = ahead ? ahead.intent : await readIntent(s.run.host, s.paths);
  if (intent) await refuseNginxDownAtPlan(s, intent);
}

export const reconcileStep: Step = {
  name: "reconcile",
  async plan(s) {
    await planIntent(s);
  },
  async run(s) {
    const { host, runtime } = s.run;
    // Read under the lock taken ahead, while the plan read the host (lock-ahead.ts): no round trip here.
    const ahead = s.lockAhead ? await s.lockAhead : null;
    // The lock step re-planned already when it had to wait; otherwise the plan was read before the lock (D36 again).
    const recheck = s.lockWaited
      ? Promise.resolve(null)
      : ahead
        ? recheckRead(s, ahead.colorFile, ahead.historyFile)
        : recheckUnderLock(s);
    // The intent and the served color live where the switch runs (the nginx hosts of a load-balancer layout).
    if (!s.role.switches) return sameAfterLock(s, await recheck) ?? { status: "skipped" };
    // Preflight's `nginx -t` (read-only, independent of what is read here) starts in the same round trip; preflight
    // awaits it.
    void startNginxTest(s);
    const [intent, served, same] = await Promise.all([
      ahead ? ahead.intent : readIntent(host, s.paths),
      ahead ? ahead.served : servedColor(s.bypass),
      recheck,
    ]);
    const done = sameAfterLock(s, same);
    if (done) return done;
    if (intent) {
      // Pointing nginx back would fail half-way with nginx stopped (links moved, the reload refused): refused first.
      const down = await nginxDown(s);
      if (down) throw nginxDownError(host.name, down, { kind: s.run.kind, intent });
      // nginx is pointed back below: preflight tests what is there afterwards.
      s.nginxTest = undefined;
      s.say(
        `an earlier run (${intent.run_id || "unknown"}) was switching to ${intent.to} (release ${intent.release}) since ${intent.since} and did not finish; nginx serves ${served ?? "no marked color"}`,
      );
      if (s.liveColor && (await runtime.isRunning(s.liveColor))) {
        await switchAndReload(s.bypass, s.liveColor);
        s.say(`nginx points at the recorded color ${s.liveColor} again`);
      }
      await clearIntent(host, s.paths);
      return { status: "changed", data: { intent: intent.to, served } };
    }
    if (served && s.liveColor && served !== s.liveColor) {
      s.say(`nginx serves ${served} while the record says ${s.liveColor}: going by what nginx serves`);
      s.liveColor = served;
      s.idle = otherColor(served);
      return { status: "changed", data: { served } };
    }
    return { status: "ok", ...(served ? { data: { served } } : {}) };
  },
};
