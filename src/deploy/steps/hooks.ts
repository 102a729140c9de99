/**
 * before_switch / after_switch: slipway.yml's hook tasks (deploys only: a rollback runs an old release's code as it
 * was). A failing before_switch is an unhealthy color (users never saw it); a failing after_switch is handled like a
 * failed verification (the undo chain switches back).
 */
import { hookVars, runDeployHook } from "../hooks.js";
import type { FlowState, Step } from "./types.js";

async function runHooks(s: FlowState, name: "before_switch" | "after_switch", check: boolean): Promise<number> {
  const { run } = s;
  // Hooks run the app's tasks (migrations) where the app runs: not on an nginx-only host of a load-balancer layout.
  if (run.kind !== "deploy" || s.role.services.length === 0) return 0;
  const vars = hookVars(run.config, { releaseId: run.releaseId, color: s.idle, previousColor: s.liveColor, check });
  const count = await runDeployHook(run.host, {
    config: run.config,
    name,
    vars,
    check,
    secrets: run.secrets,
    report: s.raw,
  });
  if (count > 0) s.say(`${check ? "  checked" : "ran"} hook ${name} (${count} task${count === 1 ? "" : "s"})`);
  return count;
}

function hookStep(name: "before_switch" | "after_switch"): Step {
  return {
    name,
    async plan(s) {
      await runHooks(s, name, true);
    },
    async run(s) {
      const count = await runHooks(s, name, false);
      return count > 0 ? { status: "changed", data: { tasks: count } } : { status: "skipped" };
    },
  };
}

export const beforeSwitchStep = hookStep("before_switch");
export const afterSwitchStep = hookStep("after_switch");
