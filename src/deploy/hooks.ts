/**
 * slipway.yml `hooks.before_switch` / `hooks.after_switch` during a deploy. The tasks run through the engine (the same
 * parser and modules as `slipway run`): the hook point's tasks parsed from the config (engine parseHookPoint) and run
 * on the host's already-open connection (engine runTasks: no second SSH session). The deploy flow decides what a
 * failure means.
 */

import { type Color, colorPort, type SlipwayConfig } from "../config/index.js";
import { hooksFromConfig } from "../engine/parse/hooks.js";
import { parseHookPoint } from "../engine/parse/playbook.js";
import { formatOutcome } from "../engine/reporter.js";
import { runTasks } from "../engine/run-tasks.js";
import type { Task, TaskOutcome } from "../engine/types.js";
import { SlipwayError } from "../errors.js";
import { defaultRegistry } from "../modules/index.js";
import { Redactor } from "../remote/index.js";
import type { RemoteHost } from "../remote/types.js";

export type DeployHookName = "before_switch" | "after_switch";

export interface HookVarsInput {
  releaseId: string;
  /** The color being deployed (the one the hook's migration should reach). */
  color: Color;
  /** The color live before this deploy (null on a first deploy). */
  previousColor: Color | null;
  check: boolean;
}

/** Variables a hook task sees besides `config.*`: `slipway.*` and `deploy_dir`. */
export function hookVars(config: SlipwayConfig, input: HookVarsInput): Record<string, unknown> {
  const ports = (color: Color) =>
    Object.fromEntries(Object.entries(config.services).map(([name, service]) => [name, colorPort(service, color)]));
  return {
    deploy_dir: config.deploy_dir,
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
  for (const name of ["before_switch", "after_switch"] as const) {
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

/** Number of tasks slipway.yml puts at this hook point (0: nothing to run). */
export function hookTaskCount(config: SlipwayConfig, name: DeployHookName): number {
  return (config.hooks[name] ?? []).length;
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
