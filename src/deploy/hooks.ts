/**
 * slipway.yml `hooks.*` during a deploy: before_switch / after_switch around the switch, on_failure after a failed
 * host's undo, on_rollback after a rollback. The tasks run through the engine (the same
 * parser and modules as `slipway run`): the hook point's tasks parsed from the config (engine parseHookPoint) and run
 * on the host's already-open connection (engine runTasks: no second SSH session). The deploy flow decides what a
 * failure means.
 */

import { type Color, colorPort, type SlipwayConfig } from "../config/index.js";
import { hooksFromConfig } from "../engine/parse/hooks.js";
import { parseHookPoint } from "../engine/parse/playbook.js";
import { formatOutcome } from "../engine/reporter.js";
import type { RunOnce } from "../engine/run-once.js";
import { runTasks } from "../engine/run-tasks.js";
import type { Task, TaskOutcome } from "../engine/types.js";
import { SlipwayError } from "../errors.js";
import { defaultRegistry } from "../modules/index.js";
import { Redactor } from "../remote/index.js";
import type { RemoteHost } from "../remote/types.js";

export type DeployHookName = "before_switch" | "after_switch" | "on_failure" | "on_rollback";

export const DEPLOY_HOOKS: readonly DeployHookName[] = ["before_switch", "after_switch", "on_failure", "on_rollback"];

/** `SLIPWAY_OUTCOME` at each hook point: what the run has done so far. */
const OUTCOME: Record<DeployHookName, string> = {
  before_switch: "deploying",
  after_switch: "deployed",
  on_failure: "failed",
  on_rollback: "rolled_back",
};

export interface HookVarsInput {
  releaseId: string;
  /** The color being deployed (the one the hook's migration should reach). */
  color: Color;
  /** The color live before this deploy (null on a first deploy). */
  previousColor: Color | null;
  /** The release live before this run (null on a first deploy). */
  previousRelease: string | null;
  hook: DeployHookName;
  check: boolean;
}

/**
 * Variables a hook task sees besides `config.*`: `slipway.*`, `deploy_dir` and SLIPWAY_RELEASE, SLIPWAY_COLOR,
 * SLIPWAY_PREVIOUS_RELEASE (empty on a first deploy), SLIPWAY_OUTCOME (deploying, deployed, failed, rolled_back).
 */
export function hookVars(config: SlipwayConfig, input: HookVarsInput): Record<string, unknown> {
  const ports = (color: Color) =>
    Object.fromEntries(
      Object.entries(config.services)
        .filter(([, service]) => service.port !== undefined) // a worker has no port
        .map(([name, service]) => [name, colorPort(service, color)]),
    );
  return {
    deploy_dir: config.deploy_dir,
    SLIPWAY_RELEASE: input.releaseId,
    SLIPWAY_COLOR: input.color,
    SLIPWAY_PREVIOUS_RELEASE: input.previousRelease ?? "",
    SLIPWAY_OUTCOME: OUTCOME[input.hook],
    slipway: {
      app: config.app,
      release: input.releaseId,
      color: input.color,
      previous_color: input.previousColor,
      port: ports(input.color),
      release_dir: `${config.deploy_dir}/releases/${input.releaseId}`,
      color_dir: `${config.deploy_dir}/colors/${input.color}`,
      check_mode: input.check,
    },
  };
}

/**
 * Parses every hook point of slipway.yml as a deploy will (modules, their arguments, keywords), without a host: a
 * hook the deploy would refuse is refused by `slipway validate` and before any deploy connects. Throws the parser's
 * ConfigError (each problem with its file:line:col in slipway.yml). Returns the warnings (renamed module arguments),
 * `file:line:col: where: message` each.
 */
export function checkDeployHooks(config: SlipwayConfig): string[] {
  const warnings: string[] = [];
  for (const name of DEPLOY_HOOKS) {
    if (hookTaskCount(config, name) > 0) warnings.push(...hookTasks(config, name).warnings);
  }
  return warnings;
}

/** Hook point `name` of slipway.yml parsed into engine tasks (problems at their file:line:col in slipway.yml). */
function hookTasks(config: SlipwayConfig, name: DeployHookName): { tasks: Task[]; warnings: string[] } {
  return parseHookPoint(name, {
    modules: defaultRegistry(),
    hooks: hooksFromConfig(config as unknown as { hooks: Record<string, readonly unknown[]> }),
    hooksFile: config.source.file,
  });
}

/** slipway.yml's tasks at each hook point of a deploy (`[]` where none is configured). */
export function deployHookTasks(config: SlipwayConfig): Record<DeployHookName, readonly unknown[]> {
  const { before_switch, after_switch, on_failure, on_rollback } = config.hooks;
  return { before_switch, after_switch, on_failure, on_rollback };
}

/** Number of tasks slipway.yml puts at this hook point (0: nothing to run). */
export function hookTaskCount(config: SlipwayConfig, name: DeployHookName): number {
  return (deployHookTasks(config)[name] ?? []).length;
}

/** The failure that makes a hook fail: the first failed task that was neither rescued nor ignored. */
export function firstFailure(outcomes: readonly TaskOutcome[]): TaskOutcome | undefined {
  return outcomes.find((o) => (o.status === "failed" || o.status === "unreachable") && !o.rescued && !o.ignored);
}

/** The error a failed hook task throws: names the task, its file:line:col in slipway.yml and the task's message. */
export function hookFailure(hostName: string, name: DeployHookName, failed: TaskOutcome | undefined): SlipwayError {
  const task = failed ? `task "${failed.task}"${failed.pos ? ` (${failed.pos})` : ""}` : "a task";
  const msg = failed?.msg ? `: ${failed.msg.split("\n")[0]}` : "";
  return new SlipwayError(`hook ${name}: ${task} failed${msg}`, {
    host: hostName,
    step: `hook ${name}`,
    hint: `fix hooks.${name} in slipway.yml (or what it runs) and deploy again`,
  });
}

export interface RunHookOptions {
  config: SlipwayConfig;
  name: DeployHookName;
  vars: Record<string, unknown>;
  check: boolean;
  secrets: Record<string, string>;
  report: (line: string) => void;
  /** The run's scope of `run_once` tasks, shared by every host of the deploy. */
  once?: RunOnce;
}

/**
 * Runs hook `name` on the host; returns the number of tasks it had (0 = nothing configured, nothing run).
 * Throws a SlipwayError naming the failed task and its position when a task fails.
 */
export async function runDeployHook(host: RemoteHost, options: RunHookOptions): Promise<number> {
  const { config, name } = options;
  const count = hookTaskCount(config, name);
  if (count === 0) return 0;
  const { tasks, warnings } = hookTasks(config, name);
  for (const warning of warnings) options.report(`  hook ${name}: ${warning}`);
  const result = await runTasks(tasks, [{ name: host.name, remote: host }], {
    name: `hook ${name}`,
    modules: defaultRegistry(),
    check: options.check,
    config: config as unknown as Record<string, unknown>,
    extraVars: options.vars,
    ...(options.once ? { once: options.once } : {}),
    redactor: new Redactor(Object.values(options.secrets)),
    reporter: {
      outcome: (o) => {
        for (const line of formatOutcome(o).split("\n")) options.report(`  hook ${name}: ${line}`);
      },
      warn: (message) => options.report(`  hook ${name}: ${message}`),
    },
  });
  if (!result.ok) throw hookFailure(host.name, name, firstFailure(result.outcomes));
  return count;
}
