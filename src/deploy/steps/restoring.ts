/** Whether the run restores the database: its own file, so the switch's plan asks it without an import cycle. */
import type { FlowState } from "./types.js";

/** A rollback that restores the database (the steps of restore-db.ts exist only then: hostSteps). */
export function restoring(s: FlowState): boolean {
  return s.run.kind === "rollback" && s.run.restoreDb === true && s.spec !== null;
}
