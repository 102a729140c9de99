/** start: the idle color's services start on their own ports (users still reach the live color). Undo stops them. */
import type { ServiceLogs } from "../events.js";
import { PortTakenError } from "../port-squatters.js";
import { formatLogGroups } from "./gate.js";
import { type Step, StepFailure } from "./types.js";

export const startStep: Step = {
  name: "start",
  async plan(s) {
    if (s.role.services.length === 0) return;
    s.say(`  start ${s.run.runtime.names(s.idle).join(", ")} and gate on health`);
  },
  async run(s) {
    if (s.role.services.length === 0) return { status: "skipped" };
    s.say(`starting ${s.run.runtime.names(s.idle).join(", ")}`);
    s.startedAt = new Date();
    try {
      await s.run.runtime.start(s.idle, s.run.interrupt?.signal);
    } catch (error) {
      // Refused before any process of the new color ran: the database is as the backup has it.
      if (error instanceof PortTakenError) s.startedAt = undefined;
      // A start that failed on a sick service (compose's depends_on wait) shows its log lines as the gate does.
      const logs = error instanceof StepFailure ? error.data.logs : undefined;
      if (Array.isArray(logs) && logs.length > 0) {
        s.say(`${error instanceof Error ? error.message : String(error)}; its last log lines:`);
        for (const line of formatLogGroups(logs as ServiceLogs[])) s.raw(line);
      }
      throw error;
    }
    return { status: "changed", data: { color: s.idle } };
  },
  async undo(s) {
    if (s.role.services.length === 0) return "nothing";
    await s.run.runtime.stop(s.idle);
    s.undoNotes.push(`stopped ${s.idle}`);
    return undefined;
  },
};
