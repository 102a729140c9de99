/**
 * stage: the idle color's code or images, env file and unit/compose file (nothing the live site uses changes). An
 * nginx-only host of a load-balancer layout stages no color, only the static files nginx serves there.
 */
import { STAGE_STEP, type StageInput, type StageResult } from "../runtime.js";
import { shipStatic } from "../stage-steps.js";
import { progressOf } from "./progress.js";
import type { FlowState, Step } from "./types.js";

function stageInput(s: FlowState, check: boolean): StageInput {
  const { releaseId, env, images, secrets, releaseDir } = s.run;
  return { releaseId, env, images, secrets, releaseDir, check, progress: progressOf(s) };
}

/** The runtime's stage where the host runs services; elsewhere `proxy.static.source` for nginx (or nothing). */
async function stage(s: FlowState, check: boolean): Promise<StageResult> {
  if (s.role.services.length > 0) return s.run.runtime.stage(s.idle, stageInput(s, check));
  const { host, config, releaseId, releaseDir } = s.run;
  const shipped = s.role.switches ? await shipStatic(host, config, releaseId, releaseDir, check) : null;
  return { changed: shipped !== null, diffs: [], actions: shipped ? [shipped] : [] };
}

export const stageStep: Step = {
  name: STAGE_STEP,
  async plan(s) {
    const staged = await stage(s, true);
    for (const a of staged.actions) s.say(`  ${a}`);
    for (const d of staged.diffs) if (d) s.emitter.diff("stage", d);
  },
  async run(s) {
    const staged = await stage(s, false);
    s.delivered = staged.delivered;
    for (const a of staged.actions) s.say(a);
    if (s.role.services.length === 0 && !staged.changed) return { status: "skipped" };
    return { status: staged.changed ? "changed" : "ok", data: { color: s.idle } };
  },
};
