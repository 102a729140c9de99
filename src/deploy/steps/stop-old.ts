/**
 * stop-old (strategy stop-first, when a color is live): the old color stops before the new one starts (one writer,
 * e.g. DuckDB). Everything after it is guarded by its undo, which starts the old color again. The new color's ports
 * are checked for another process first (runtime.refuseSquatters), and the backup directory's room (D79): a clash or a
 * full disk known before the stop costs no outage.
 */
import { checkBackupRoomBeforeStop } from "../backup-step.js";
import type { Step } from "./types.js";

export const stopOldStep: Step = {
  name: "stop-old",
  async plan(s) {
    if (!s.liveColor || s.role.services.length === 0) return;
    // A port of the new color another process holds would fail its start after the outage began (D40).
    await s.run.runtime.refuseSquatters?.(s.idle);
    s.say(
      `  downtime: stop-first: stop ${s.run.runtime.names(s.liveColor).join(", ")} before ${s.idle} starts, then back up`,
    );
  },
  async run(s) {
    if (!s.liveColor || s.role.services.length === 0) return { status: "skipped" };
    // Before the stop, not at start: a taken port refused here costs no downtime (D40).
    await s.run.runtime.refuseSquatters?.(s.idle);
    // The backup that follows the stop needs room: a full backup directory refused now costs no downtime (D79).
    if (s.run.kind === "deploy") await checkBackupRoomBeforeStop(s.run.host, s.run.config, s.spec ?? null, s.say);
    s.say(`downtime: stop-first: stopping ${s.run.runtime.names(s.liveColor).join(", ")}`);
    s.oldStopped = true;
    await s.run.runtime.stop(s.liveColor);
    return { status: "changed", data: { color: s.liveColor } };
  },
  async undo(s) {
    if (!s.oldStopped || !s.liveColor) return "nothing";
    for (const argv of s.writersOf(s.liveColor).start)
      await s.run.host.exec(argv, { step: "start old color", timeoutMs: 120_000 });
    s.oldStopped = false;
    s.say(`started ${s.liveColor} again`);
    s.undoNotes.push(`${s.liveColor} was started again and serves the previous release`);
    return undefined;
  },
};
