/**
 * Runs one module task on one host: `when` (per loop item), loop, args templating and validation, the module call,
 * changed_when/failed_when, and the registered result. Pure orchestration: I/O happens inside the module.
 */
import { ConnectionError, SlipwayError } from "../errors.js";
import type { HostFacts, RemoteHost } from "../remote/types.js";
import { TemplateError } from "./errors.js";
import { evalCondition, renderDeep } from "./expr/template.js";
import { UndefinedVariableError } from "./expr/undefined.js";
import type { ModuleRegistry } from "./registry.js";
import { extendScope } from "./scope.js";
import type { FileDiff, ModuleResult, ModuleTask, Redactor, TaskStatus } from "./types.js";

export interface ModuleTaskInput {
  task: ModuleTask;
  /** Conditions inherited from enclosing blocks, evaluated before the task's own. */
  when: readonly string[];
  scope: Record<string, unknown>;
  host: RemoteHost;
  facts: HostFacts | undefined;
  modules: ModuleRegistry;
  check: boolean;
  diff: boolean;
  become: boolean;
  becomeUser?: string;
  redactor: Redactor;
}

export interface ModuleTaskResult {
  status: TaskStatus | "unreachable";
  msg?: string;
  diffs: FileDiff[];
  items?: Array<{ item: unknown; status: TaskStatus; msg?: string }>;
  /** What `register:` stores. */
  registered: Record<string, unknown>;
}

/** Evaluation errors become task failures with a message that names the expression's problem. */
function explain(error: unknown): string {
  if (error instanceof UndefinedVariableError) return `${error.message} (define it in vars, or use "| default(...)")`;
  if (error instanceof SlipwayError) return error.describe();
  return error instanceof Error ? error.message : String(error);
}

function registeredFrom(result: ModuleResult): Record<string, unknown> {
  return {
    ...(result.data ?? {}),
    status: result.status,
    changed: result.status === "changed",
    failed: result.status === "failed",
    skipped: result.status === "skipped",
    msg: result.msg,
  };
}

async function runOnce(input: ModuleTaskInput, scope: Record<string, unknown>): Promise<ModuleResult | "unreachable"> {
  const { task } = input;
  const module = input.modules.get(task.module);
  if (!module) return { status: "failed", msg: `unknown module "${task.module}"` };
  let args: unknown;
  try {
    for (const condition of [...input.when, ...task.when]) {
      if (!evalCondition(condition, scope)) return { status: "skipped", msg: `condition was false: ${condition}` };
    }
    args = renderDeep(task.args, scope);
  } catch (error) {
    return { status: "failed", msg: explain(error) };
  }
  const parsed = module.argsSchema.safeParse(args);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "args"}: ${i.message}`);
    return { status: "failed", msg: `invalid args for ${module.name}: ${problems.join("; ")}` };
  }
  let result: ModuleResult;
  try {
    result = await module.run(
      {
        host: input.host,
        check: input.check,
        diff: input.diff,
        become: input.become,
        becomeUser: input.becomeUser,
        facts: input.facts,
        vars: scope,
        redactor: input.redactor,
        baseDir: task.baseDir,
        step: task.name ?? task.module,
      },
      parsed.data,
    );
  } catch (error) {
    if (error instanceof ConnectionError) return "unreachable";
    return { status: "failed", msg: explain(error), data: errorData(error) };
  }
  return applyOverrides(input, scope, result);
}

function errorData(error: unknown): Record<string, unknown> {
  if (!(error instanceof SlipwayError)) return {};
  return { rc: error.exitCode, stderr: error.stderrTail ?? "" };
}

/** changed_when / failed_when see the result as `result` and under the register name. */
function applyOverrides(input: ModuleTaskInput, scope: Record<string, unknown>, result: ModuleResult): ModuleResult {
  const { task } = input;
  if (!task.changedWhen && !task.failedWhen) return result;
  if (result.status === "skipped") return result;
  const registered = registeredFrom(result);
  const bindings: Record<string, unknown> = { result: registered };
  if (task.register) bindings[task.register] = registered;
  const view = extendScope(scope, bindings);
  try {
    let status = result.status;
    if (task.failedWhen) {
      const failed = task.failedWhen.some((c) => evalCondition(c, view));
      if (failed) status = "failed";
      else if (status === "failed") status = "ok";
    }
    if (task.changedWhen && status !== "failed") {
      status = task.changedWhen.some((c) => evalCondition(c, view)) ? "changed" : "ok";
    }
    return {
      ...result,
      status,
      msg: status === "failed" && !result.msg ? "failed_when condition was true" : result.msg,
    };
  } catch (error) {
    return { status: "failed", msg: explain(error) };
  }
}

function loopItems(input: ModuleTaskInput): unknown[] {
  const raw = input.task.loop;
  const value = renderDeep(raw, input.scope);
  if (!Array.isArray(value)) {
    throw new TemplateError(`loop must be a list, got ${JSON.stringify(value)}`, { step: input.task.name });
  }
  return value;
}

export async function runModuleTask(input: ModuleTaskInput): Promise<ModuleTaskResult> {
  const { task } = input;
  if (task.loop === undefined) {
    const result = await runOnce(input, input.scope);
    if (result === "unreachable")
      return { status: "unreachable", diffs: [], registered: { unreachable: true, failed: true } };
    const diffs = result.diff ? [result.diff] : [];
    return { status: result.status, msg: result.msg, diffs, registered: registeredFrom(result) };
  }
  let items: unknown[];
  try {
    items = loopItems(input);
  } catch (error) {
    const msg = explain(error);
    return { status: "failed", msg, diffs: [], registered: { failed: true, msg } };
  }
  const outcomes: Array<{ item: unknown; status: TaskStatus; msg?: string }> = [];
  const results: Array<Record<string, unknown>> = [];
  const diffs: FileDiff[] = [];
  for (const item of items) {
    const scope = extendScope(input.scope, { [task.loopVar]: item });
    const result = await runOnce(input, scope);
    if (result === "unreachable")
      return { status: "unreachable", diffs, registered: { unreachable: true, failed: true } };
    outcomes.push({ item, status: result.status, msg: result.msg });
    results.push({ ...registeredFrom(result), [task.loopVar]: item });
    if (result.diff) diffs.push(result.diff);
    // Like Ansible, a loop goes on after a failed item; the task fails as a whole below.
  }
  const statuses = outcomes.map((o) => o.status);
  const status: TaskStatus = statuses.includes("failed")
    ? "failed"
    : statuses.includes("changed")
      ? "changed"
      : statuses.length > 0 && statuses.every((s) => s === "skipped")
        ? "skipped"
        : "ok";
  const failedMsgs = outcomes
    .filter((o) => o.status === "failed")
    .map((o) => `item ${JSON.stringify(o.item)}: ${o.msg}`);
  return {
    status,
    msg: failedMsgs.length ? failedMsgs.join("\n") : undefined,
    diffs,
    items: outcomes,
    registered: {
      results,
      status,
      changed: status === "changed",
      failed: status === "failed",
      skipped: status === "skipped",
    },
  };
}
