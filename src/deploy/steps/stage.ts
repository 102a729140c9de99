/** stage: the idle color's code or images, env file and unit/compose file (nothing the live site uses changes). */
import type { StageInput } from "../runtime.js";
import type { FlowState, Step } from "./types.js";

function stageInput(s: FlowState, check: boolean): StageInput {
  const { releaseId, env, images, secrets, releaseDir } = s.run;
  return { releaseId, env, images, secrets, releaseDir, check };
}

export const stageStep: Step = {
  name: "stage",
  async plan(s) {
    if (s.role.services.length === 0) return;
    const stage = await s.run.runtime.stage(s.idle, stageInput(s, true));
    for (const a of stage.actions) s.say(`  ${a}`);
    for (const d of stage.diffs) if (d) s.emitter.diff("stage", d);
  },
  async run(s) {
    if (s.role.services.length === 0) return { status: "skipped" };
    const stage = await s.run.runtime.stage(s.idle, stageInput(s, false));
    for (const a of stage.actions) s.say(a);
    return { status: stage.changed ? "changed" : "ok", data: { color: s.idle } };
  },
};
