/**
 * One host's walk through a play: tasks in order, blocks with rescue/always, handlers on flush and at the end.
 * Hosts of a batch each run their own walk in parallel (Ansible's "free" strategy); the play runner coordinates
 * them only through the shared abort flag (any_errors_fatal).
 */
import { ConnectionError, SlipwayError } from "../errors.js";
import type { HostFacts, RemoteHost } from "../remote/types.js";
import { evalCondition, renderDeep, renderString } from "./expr/template.js";
import { runModuleTask } from "./module-task.js";
import type { ModuleRegistry } from "./registry.js";
import { followerOutcome, type OnceResult, type RunOnce } from "./run-once.js";
import { buildScope, DataLayer } from "./scope.js";
import type { ModuleTask, Play, Redactor, Task, TaskCommon, TaskOutcome } from "./types.js";

/** Task names may hold `{{ }}` too; a name that cannot be rendered is shown as written. */
function displayName(name: string | undefined, scope: Record<string, unknown>): string | undefined {
  if (!name?.includes("{{")) return name;
  try {
    return String(renderString(name, scope));
  } catch {
    return name;
  }
}

function posText(task: Task): string {
  return `${task.pos.file}:${task.pos.line}:${task.pos.col}`;
}

/**
 * Ansible's `hostvars`: each host's inventory vars and what it registered or set, by inventory name, read when used
 * (a worker joining a swarm reads the token its manager registered in an earlier play).
 */
function hostvarsOf(states: ReadonlyMap<string, HostState> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, state] of states ?? []) {
    Object.defineProperty(out, name, {
      enumerable: true,
      get: () => ({ ...state.inventoryVars, ...state.hostFacts, inventory_hostname: name }),
    });
  }
  return out;
}

/** State of a host that lives across plays: registered results and set_fact values. */
export interface HostState {
  name: string;
  remote: RemoteHost;
  facts: HostFacts | undefined;
  inventoryVars: Record<string, unknown>;
  hostFacts: Record<string, unknown>;
  unreachable: boolean;
}

export interface PlayContext {
  play: Play;
  modules: ModuleRegistry;
  check: boolean;
  diff: boolean;
  tags: readonly string[];
  skipTags: readonly string[];
  extraVars: Record<string, unknown>;
  configVars: Record<string, unknown>;
  redactor: Redactor;
  /** Set when a host fails in an any_errors_fatal play: every host stops before its next task. */
  abort: { set: boolean };
  /** Every host of the run so far, for `hostvars[name]` (another host's vars and registered results). */
  states?: ReadonlyMap<string, HostState>;
  /** The scope of `run_once` tasks (one batch of a playbook; a whole deploy for its hooks). */
  once: RunOnce;
  emit(outcome: TaskOutcome): void;
}

/** What a task takes from the blocks around it: the same keywords a task has, plus whether a rescue waits. */
type Inherited = Pick<
  TaskCommon,
  "when" | "tags" | "become" | "becomeUser" | "checkMode" | "noLog" | "diff" | "ignoreErrors" | "vars" | "runOnce"
> & {
  /** Inside a block that has a rescue: a failure here will be rescued. */
  rescuable?: boolean;
};

type Flow = "ok" | "failed" | "stopped";

export class HostRun {
  private readonly notified = new Set<string>();
  failed = false;

  constructor(
    private readonly ctx: PlayContext,
    private readonly state: HostState,
  ) {}

  /** Runs the play's tasks, then its handlers (also after a failure, unless force_handlers is false). */
  async run(): Promise<void> {
    const { play } = this.ctx;
    const base: Inherited = {
      when: [],
      tags: play.tags,
      become: play.become,
      becomeUser: play.becomeUser,
      noLog: false,
      ignoreErrors: false,
      vars: {},
    };
    const flow = await this.runList(play.tasks, base);
    if (this.state.unreachable) return;
    if (flow === "ok" || (flow === "failed" && play.forceHandlers) || flow === "stopped")
      await this.flushHandlers(base);
  }

  private scope(inherited: Inherited, task: Task): Record<string, unknown> {
    const { ctx, state } = this;
    return buildScope([
      new DataLayer(ctx.configVars),
      state.inventoryVars,
      ctx.play.vars,
      state.hostFacts,
      inherited.vars,
      task.vars,
      {
        facts: state.facts,
        check_mode: ctx.check,
        ansible_check_mode: ctx.check,
        inventory_hostname: state.name,
        play_name: ctx.play.name,
        hostvars: hostvarsOf(ctx.states),
      },
      ctx.extraVars,
    ]);
  }

  private selectedByTags(tags: readonly string[]): boolean {
    const { tags: only, skipTags } = this.ctx;
    if (skipTags.some((t) => tags.includes(t))) return false;
    if (only.length === 0 || only.includes("all")) return true;
    return tags.includes("always") || only.some((t) => tags.includes(t));
  }

  private async runList(tasks: readonly Task[], inherited: Inherited): Promise<Flow> {
    for (const task of tasks) {
      if (this.ctx.abort.set) return "stopped";
      const flow = await this.runTask(task, inherited);
      if (flow !== "ok") return flow;
    }
    return "ok";
  }

  private inherit(inherited: Inherited, task: Task): Inherited {
    return {
      when: [...inherited.when, ...task.when],
      tags: [...inherited.tags, ...task.tags],
      become: task.become ?? inherited.become,
      becomeUser: task.becomeUser ?? inherited.becomeUser,
      checkMode: task.checkMode ?? inherited.checkMode,
      noLog: task.noLog || inherited.noLog,
      diff: task.diff ?? inherited.diff,
      ignoreErrors: task.ignoreErrors || inherited.ignoreErrors,
      runOnce: task.runOnce ?? inherited.runOnce,
      vars: { ...inherited.vars, ...task.vars },
      rescuable: inherited.rescuable,
    };
  }

  private async runTask(task: Task, inherited: Inherited): Promise<Flow> {
    switch (task.kind) {
      case "block":
        return this.runBlock(task, this.inherit(inherited, { ...task, when: [] }), task.when, inherited);
      case "meta":
        await this.flushHandlers(inherited);
        return this.state.unreachable ? "failed" : "ok";
      case "set_fact":
        return this.runSetFact(task, inherited);
      case "module":
        return this.runModule(task, inherited, false);
    }
  }

  private async runBlock(
    task: Extract<Task, { kind: "block" }>,
    inner: Inherited,
    when: readonly string[],
    outer: Inherited,
  ): Promise<Flow> {
    // A block's `when` is inherited by every task in it (evaluated per task, as in Ansible).
    const withWhen: Inherited = { ...inner, when: [...outer.when, ...when] };
    // A failure in the block is reported as "rescued" (not "failed") when a rescue section will handle it.
    let flow = await this.runList(task.block, { ...withWhen, rescuable: withWhen.rescuable || task.rescue.length > 0 });
    if (flow === "failed" && task.rescue.length > 0 && !this.state.unreachable) {
      this.failed = false;
      flow = await this.runList(task.rescue, withWhen);
    }
    if (task.always.length > 0 && !this.state.unreachable) {
      const wasFailed = this.failed;
      this.failed = false;
      const alwaysFlow = await this.runList(task.always, withWhen);
      this.failed = wasFailed || alwaysFlow === "failed";
      if (alwaysFlow === "failed") return "failed";
    }
    return flow;
  }

  private async runSetFact(task: Extract<Task, { kind: "set_fact" }>, inherited: Inherited): Promise<Flow> {
    const started = performance.now();
    const merged = this.inherit(inherited, task);
    if (!this.selectedByTags(merged.tags)) return "ok";
    const scope = this.scope(merged, task);
    const outcome: TaskOutcome = {
      host: this.state.name,
      task: task.name ?? "set_fact",
      where: task.where,
      pos: posText(task),
      status: "ok",
      durationMs: 0,
    };
    try {
      if (merged.when.every((c) => evalCondition(c, scope))) {
        Object.assign(this.state.hostFacts, renderDeep(task.facts, scope) as Record<string, unknown>);
      } else outcome.status = "skipped";
    } catch (error) {
      outcome.status = "failed";
      outcome.msg = error instanceof Error ? error.message : String(error);
    }
    outcome.durationMs = performance.now() - started;
    return this.finish(outcome, merged);
  }

  private async runModule(task: ModuleTask, inherited: Inherited, handler: boolean): Promise<Flow> {
    const merged = this.inherit(inherited, { ...task, when: [] });
    if (!handler && !this.selectedByTags(merged.tags)) return "ok";
    if (!merged.runOnce || handler) return this.runModuleHere(task, merged, handler);
    const check = merged.checkMode ?? this.ctx.check;
    const claim = this.ctx.once.claim(`${posText(task)} ${task.where}${check ? " check" : ""}`);
    if ("wait" in claim) return this.followOnce(task, merged, await claim.wait);
    let result: OnceResult = { host: this.state.name, status: "failed", msg: "the run-once task did not finish" };
    const record = (outcome: TaskOutcome) => {
      result = { host: this.state.name, status: outcome.status, msg: outcome.msg };
      if (task.register) result.registered = this.state.hostFacts[task.register];
    };
    try {
      return await this.runModuleHere(task, merged, handler, record);
    } finally {
      claim.run(result);
    }
  }

  /** Another host ran this run-once task: take its registered value and its outcome (a failure fails here too). */
  private followOnce(task: ModuleTask, merged: Inherited, result: OnceResult): Flow {
    if (task.register && result.registered !== undefined) this.state.hostFacts[task.register] = result.registered;
    const scope = this.scope(merged, task);
    const outcome: TaskOutcome = {
      host: this.state.name,
      task: displayName(task.name, scope) ?? task.module,
      where: task.where,
      pos: posText(task),
      ...followerOutcome(result),
      durationMs: 0,
    };
    return this.finish(outcome, merged);
  }

  private async runModuleHere(
    task: ModuleTask,
    merged: Inherited,
    handler: boolean,
    record?: (outcome: TaskOutcome) => void,
  ): Promise<Flow> {
    const started = performance.now();
    const scope = this.scope(merged, task);
    const check = merged.checkMode ?? this.ctx.check;
    const result = await runModuleTask({
      task,
      when: merged.when,
      scope,
      host: this.state.remote,
      facts: this.state.facts,
      modules: this.ctx.modules,
      check,
      diff: (this.ctx.diff || check) && merged.diff !== false && !merged.noLog,
      become: merged.become ?? false,
      becomeUser: merged.becomeUser,
      redactor: this.ctx.redactor,
    });
    if (task.register) this.state.hostFacts[task.register] = result.registered;
    if (result.status === "changed") {
      for (const name of task.notify) this.notified.add(name);
    }
    const redact = (text: string) => this.ctx.redactor.redact(text);
    const showDiff = (this.ctx.diff || check) && merged.diff !== false && !merged.noLog;
    const outcome: TaskOutcome = {
      host: this.state.name,
      task: displayName(task.name, scope) ?? task.module,
      where: task.where,
      pos: posText(task),
      status: result.status,
      msg: merged.noLog
        ? result.status === "failed"
          ? "(output hidden: no_log)"
          : undefined
        : result.msg && redact(result.msg),
      diffs: showDiff
        ? result.diffs.map((d) => ({ ...d, before: redact(d.before), after: redact(d.after) }))
        : undefined,
      items: merged.noLog ? undefined : result.items,
      durationMs: performance.now() - started,
      handler,
      noLog: merged.noLog,
    };
    if (result.status === "unreachable") this.state.unreachable = true;
    record?.(outcome);
    return this.finish(outcome, merged);
  }

  private finish(outcome: TaskOutcome, merged: Inherited): Flow {
    if (outcome.status === "failed" && merged.ignoreErrors) outcome.ignored = true;
    else if (outcome.status === "failed" && merged.rescuable) outcome.rescued = true;
    this.ctx.emit(outcome);
    if (outcome.status === "unreachable") {
      this.failed = true;
      return "failed";
    }
    if (outcome.status === "failed" && !outcome.ignored) {
      this.failed = true;
      // A failure a rescue section will handle is not fatal to the play (as in Ansible).
      if (this.ctx.play.anyErrorsFatal && !outcome.rescued) this.ctx.abort.set = true;
      return "failed";
    }
    return "ok";
  }

  /** Runs notified handlers once each, in the order they are defined in the play. */
  async flushHandlers(inherited: Inherited): Promise<void> {
    if (this.notified.size === 0) return;
    const base: Inherited = { ...inherited, when: [], ignoreErrors: false };
    for (const handler of this.ctx.play.handlers) {
      const names = [handler.name as string, ...handler.listen];
      if (!names.some((n) => this.notified.has(n))) continue;
      for (const n of names) this.notified.delete(n);
      const flow = await this.runModule(handler, base, true);
      if (flow === "failed" && this.state.unreachable) return;
    }
    this.notified.clear();
  }

  /** Marks the host unreachable from a connection error outside a task (facts gathering). */
  static isConnectionError(error: unknown): boolean {
    return error instanceof ConnectionError || (error instanceof SlipwayError && error.name === "ConnectionError");
  }
}
