/**
 * stop-old (strategy stop-first, when a color is live): the old color stops before the new one starts (one writer,
 * e.g. DuckDB). Everything after it is guarded by its undo, which starts the old color again and waits for its health
 * checks (the gate's wait) before the run goes on. The new color's ports are checked for another process first
 * (runtime.refuseSquatters), and the backup directory's room (D79): a clash or a full disk known before the stop costs
 * no outage.
 */
import { checkBackupRoomBeforeStop } from "../backup-step.js";
import { waitColorHealthy } from "./color-health.js";
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
    if (s.run.kind === "deploy")
      await checkBackupRoomBeforeStop(s.run.host, s.run.config, s.spec ?? null, s.say, s.databaseFound);
    s.say(`downtime: stop-first: stopping ${s.run.runtime.names(s.liveColor).join(", ")}`);
    s.oldStopped = true;
    await s.run.runtime.stop(s.liveColor);
    return { status: "changed", data: { color: s.liveColor } };
  },
  async undo(s) {
    if (!s.oldStopped || !s.liveColor) return "nothing";
    const color = s.liveColor;
    for (const argv of s.writersOf(color).start)
      await s.run.host.exec(argv, { step: "start old color", timeoutMs: 120_000 });
    s.oldStopped = false;
    s.say(`started ${color} again; waiting for its health checks`);
    // nginx sends users to it (never switched, or switched back): until it answers they would get a bare 502, so the
    // undo, and with it the run, ends once it does.
    const unhealthy = await waitColorHealthy(s, color);
    if (unhealthy.length === 0) {
      s.say(`${color} is healthy again`);
      s.undoNotes.push(`${color} was started again and serves the previous release`);
      return undefined;
    }
    const which = unhealthy.map((u) => `${u.name} (${u.last})`).join(", ");
    s.say(`${color} was started again but is not healthy: ${which}`);
    s.undoNotes.push(
      `${color} was started again but does not pass its health checks: ${which}; see \`slipway status\` and its logs`,
    );
    return undefined;
  },
};
