/** start: the idle color's services start on their own ports (users still reach the live color). Undo stops them. */
import type { Step } from "./types.js";

export const startStep: Step = {
  name: "start",
  async plan(s) {
    if (s.role.services.length === 0) return;
    s.say(`  start ${s.run.runtime.names(s.idle).join(", ")} and gate on health`);
  },
  async run(s) {
    if (s.role.services.length === 0) return { status: "skipped" };
    s.say(`starting ${s.run.runtime.names(s.idle).join(", ")}`);
    await s.run.runtime.start(s.idle);
    return { status: "changed", data: { color: s.idle } };
  },
  async undo(s) {
    if (s.role.services.length === 0) return "nothing";
    await s.run.runtime.stop(s.idle);
    s.undoNotes.push(`stopped ${s.idle}`);
    return undefined;
  },
};
