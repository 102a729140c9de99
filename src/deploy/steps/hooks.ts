/**
 * before_switch / after_switch: slipway.yml's hook tasks (deploys only: a rollback runs an old release's code as it
 * was). A failing before_switch is an unhealthy color (users never saw it); a failing after_switch is handled like a
 * failed verification (the undo chain switches back). on_failure / on_rollback run after the step list (runAfterHook).
 */
import { type DeployHookName, hookVars, runDeployHook } from "../hooks.js";
import type { FlowState, Step } from "./types.js";

async function runHooks(s: FlowState, name: DeployHookName, check: boolean): Promise<number> {
  const { run } = s;
  // Hooks run the app's tasks (migrations) where the app runs: not on an nginx-only host of a load-balancer layout.
  if (s.role.services.length === 0) return 0;
  const vars = hookVars(run.config, {
    releaseId: run.releaseId,
    color: s.idle,
    previousColor: s.liveColor,
    previousRelease: s.live.release,
    hook: name,
    check,
  });
  const count = await runDeployHook(run.host, {
    config: run.config,
    name,
    vars,
    check,
    secrets: run.secrets,
    report: s.raw,
    ...(run.once ? { once: run.once } : {}),
  });
  if (count > 0) s.say(`${check ? "  checked" : "ran"} hook ${name} (${count} task${count === 1 ? "" : "s"})`);
  return count;
}

function hookStep(name: "before_switch" | "after_switch"): Step {
  return {
    name,
    async plan(s) {
      if (s.run.kind === "deploy") await runHooks(s, name, true);
    },
    async run(s) {
      const count = s.run.kind === "deploy" ? await runHooks(s, name, false) : 0;
      return count > 0 ? { status: "changed", data: { tasks: count } } : { status: "skipped" };
    },
  };
}

export const beforeSwitchStep = hookStep("before_switch");
export const afterSwitchStep = hookStep("after_switch");

/**
 * on_failure (a deploy failed, after its undo) or on_rollback (a rollback succeeded): runs the hook point and
 * returns its error's message, or null. Never throws: the run's own outcome is what the caller reports.
 */
export async function runAfterHook(s: FlowState, name: "on_failure" | "on_rollback"): Promise<string | null> {
  try {
    await runHooks(s, name, false);
    return null;
  } catch (e) {
    const message = `hook ${name} failed: ${e instanceof Error ? e.message : String(e)}`;
    s.say(message);
    return message;
  }
}
