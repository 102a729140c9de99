/**
 * The engine's data model: a parsed playbook (plays, tasks, handlers), task results and the module contract.
 * Parsing produces these from YAML (src/engine/parse/), the runner consumes them.
 */
import type { z } from "zod";
import type { HostFacts, RemoteHost } from "../remote/types.js";

/** Where a node came from, for errors that point at file:line:col. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** Masks secret values in anything printed or diffed (src/remote/redact.ts provides the real one). */
export interface Redactor {
  redact(text: string): string;
}

export const identityRedactor: Redactor = { redact: (text) => text };

export type TaskStatus = "ok" | "changed" | "skipped" | "failed";

export interface FileDiff {
  path: string;
  before: string;
  after: string;
  /** A private (0600) file: before/after are empty and the diff says only that it changed. */
  secret?: boolean;
}

/** What a module returns. `data` is merged into the registered result (e.g. stdout, rc). */
export interface ModuleResult {
  status: TaskStatus;
  diff?: FileDiff;
  msg?: string;
  data?: Record<string, unknown>;
}

export interface ModuleContext {
  host: RemoteHost;
  /** Inspect only: report what would change, change nothing. */
  check: boolean;
  /** The user wants file diffs (the engine still decides whether to print them). */
  diff: boolean;
  /** Run remote commands through sudo. */
  become: boolean;
  becomeUser?: string;
  facts: HostFacts | undefined;
  vars: Readonly<Record<string, unknown>>;
  redactor: Redactor;
  /** Directory of the playbook file that holds the task: relative `src` paths resolve from here. */
  baseDir: string;
  /** Task name, carried into remote errors as their step. */
  step: string;
}

export interface Module<S extends z.ZodType = z.ZodType> {
  name: string;
  argsSchema: S;
  /** When a task gives the module a plain string (`command: echo hi`), it becomes this argument. */
  freeForm?: string;
  /**
   * Arguments that were renamed, old name -> current name (dotted for one inside a mapping): tasks that use the old
   * name keep working and the parser warns with the new one (engine/renamed-args.ts).
   */
  renamed?: Readonly<Record<string, string>>;
  run(ctx: ModuleContext, args: z.output<S>): Promise<ModuleResult>;
}

/** A task as parsed: either a module call, a block, or a meta action. */
export interface TaskCommon {
  name?: string;
  pos: SourcePos;
  /** Position path for messages, e.g. `tasks[3]`. */
  where: string;
  when: string[];
  tags: string[];
  become?: boolean;
  becomeUser?: string;
  checkMode?: boolean;
  noLog: boolean;
  diff?: boolean;
  ignoreErrors: boolean;
  /** `run_once`: one host runs it, the others of its scope take its result (run-once.ts). */
  runOnce?: boolean;
  vars: Record<string, unknown>;
  /** Directory of the file the task came from. */
  baseDir: string;
}

export interface ModuleTask extends TaskCommon {
  kind: "module";
  module: string;
  /** Raw (untemplated) args; templated per host and loop item at run time. */
  args: unknown;
  loop?: unknown;
  loopVar: string;
  register?: string;
  notify: string[];
  changedWhen?: string[];
  failedWhen?: string[];
  /** Handlers only: extra topics this handler listens to. */
  listen: string[];
}

export interface BlockTask extends TaskCommon {
  kind: "block";
  block: Task[];
  rescue: Task[];
  always: Task[];
}

export interface MetaTask extends TaskCommon {
  kind: "meta";
  action: "flush_handlers";
}

export interface SetFactTask extends TaskCommon {
  kind: "set_fact";
  facts: Record<string, unknown>;
}

export type Task = ModuleTask | BlockTask | MetaTask | SetFactTask;

export type Serial = Array<number | string>;

export interface Play {
  name: string;
  pos: SourcePos;
  hosts: string;
  vars: Record<string, unknown>;
  tasks: Task[];
  handlers: ModuleTask[];
  /** Batch sizes as written (numbers or "30%"); the last repeats. Empty means all hosts in one batch. */
  serial: Serial;
  maxFailPercentage?: number;
  anyErrorsFatal: boolean;
  forceHandlers: boolean;
  gatherFacts: boolean;
  become?: boolean;
  becomeUser?: string;
  tags: string[];
}

export interface Playbook {
  file: string;
  plays: Play[];
  /** `file:line:col: where: message` lines the run should show but that do not stop it (renamed module arguments). */
  warnings?: string[];
}

/** One task's outcome on one host, as reported and counted in the recap. */
export interface TaskOutcome {
  host: string;
  task: string;
  where: string;
  /** `file:line:col` of the task in its playbook (or slipway.yml for hook tasks), shown with a failure. */
  pos?: string;
  status: TaskStatus | "unreachable";
  /** A failure inside a block that its rescue handled. */
  rescued?: boolean;
  /** A failure that ignore_errors let pass. */
  ignored?: boolean;
  msg?: string;
  diffs?: FileDiff[];
  /** Loop items' outcomes, when the task looped. */
  items?: Array<{ item: unknown; status: TaskStatus; msg?: string }>;
  durationMs: number;
  handler?: boolean;
  noLog?: boolean;
}

export interface HostRecap {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}
