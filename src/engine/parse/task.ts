/**
 * Turns a YAML list of tasks into Task objects, checking keywords, module names and (when the args hold no
 * templates) module args, and expanding `import_tasks`/`include_tasks` and `hook:` statically.
 */
import { dirname, resolve } from "node:path";
import { isMap, isScalar, isSeq, type Node, stringify } from "yaml";
import { didYouMean, didYouMeanText } from "../../suggest.js";
import { checkSyntax, hasTemplate } from "../expr/template.js";
import { ExprSyntaxError } from "../expr/tokens.js";
import type { Module, ModuleTask, Task, TaskCommon } from "../types.js";
import { locateInlineHooks } from "./hooks.js";
import { movedArgs } from "./renamed-args.js";
import {
  describeType,
  entriesOf,
  loadYamlFile,
  type MapNode,
  type Problems,
  parseYamlText,
  posOf,
  type SeqNode,
  type SourceFile,
  toJs,
} from "./source.js";

export interface ModuleLookup {
  get(name: string): Module | undefined;
  names(): string[];
}

/**
 * One hook entry: the path of a task file (playbook syntax), or an inline task in slipway.yml's form
 * `{ module: command, name: ..., <args> }` (task keywords such as when/register/tags are taken as keywords).
 */
export type HookEntry = string | Readonly<Record<string, unknown>>;

export interface TaskParseContext {
  file: SourceFile;
  problems: Problems;
  modules: ModuleLookup;
  /** Hook name -> what a project plugs in (slipway.yml `hooks:`); a `hook:` nobody filled is a no-op. */
  hooks: Readonly<Record<string, readonly HookEntry[]>>;
  /** Files being imported, to stop import cycles. */
  importing: readonly string[];
  /** slipway.yml the inline hook tasks come from, so their problems point at it. */
  hooksFile?: string;
}

const COMMON_KEYS = [
  "name",
  "when",
  "tags",
  "become",
  "become_user",
  "check_mode",
  "no_log",
  "diff",
  "ignore_errors",
  "vars",
  "run_once",
];
const MODULE_KEYS = [
  "loop",
  "with_items",
  "loop_control",
  "register",
  "notify",
  "changed_when",
  "failed_when",
  "args",
  "listen",
];
const DIRECTIVES = ["block", "rescue", "always", "meta", "set_fact", "import_tasks", "include_tasks", "hook"];
export const TASK_KEYWORDS = new Set([...COMMON_KEYS, ...MODULE_KEYS, ...DIRECTIVES]);

export function parseTaskList(ctx: TaskParseContext, node: Node | null, where: string): Task[] {
  if (node === null || (isScalar(node) && node.value === null)) return [];
  if (!isSeq(node)) {
    ctx.problems.add(ctx.file, node, where, `expected a list of tasks, got ${describeType(node)}`);
    return [];
  }
  const tasks: Task[] = [];
  (node as SeqNode).items.forEach((item, index) => {
    const task = parseTask(ctx, item, `${where}[${index}]`);
    if (task) tasks.push(task);
  });
  return tasks;
}

function strings(ctx: TaskParseContext, node: Node | null, where: string): string[] {
  const value = toJs(node);
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  if (list.some((v) => typeof v !== "string" && typeof v !== "boolean")) {
    ctx.problems.add(ctx.file, node, where, "expected a string or a list of strings");
    return [];
  }
  return list.map(String);
}

function bool(ctx: TaskParseContext, node: Node | null, where: string): boolean | undefined {
  const value = toJs(node);
  if (typeof value === "boolean") return value;
  ctx.problems.add(ctx.file, node, where, `expected true or false, got ${describeType(node)}`);
  return undefined;
}

function conditions(ctx: TaskParseContext, node: Node | null, where: string): string[] {
  const list = strings(ctx, node, where);
  for (const condition of list) {
    try {
      checkSyntax(condition, true);
    } catch (error) {
      reportExpr(ctx, node, where, condition, error);
    }
  }
  return list;
}

function reportExpr(ctx: TaskParseContext, node: Node | null, where: string, text: string, error: unknown): void {
  const detail = error instanceof ExprSyntaxError ? `${error.message} at column ${error.at + 1}` : String(error);
  ctx.problems.add(ctx.file, node, where, `invalid expression "${text}": ${detail}`);
}

function checkTemplates(ctx: TaskParseContext, node: Node | null, where: string): void {
  const walk = (value: unknown): void => {
    if (typeof value === "string" && hasTemplate(value)) {
      try {
        checkSyntax(value, false);
      } catch (error) {
        reportExpr(ctx, node, where, value, error);
      }
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(toJs(node));
}

function parseTask(ctx: TaskParseContext, node: Node, where: string): Task | undefined {
  const { file, problems } = ctx;
  if (!isMap(node)) {
    problems.add(file, node, where, `expected a task (a mapping), got ${describeType(node)}`);
    return undefined;
  }
  const entries = entriesOf(node as MapNode);
  const byKey = new Map(entries.map((e) => [e.key, e]));
  const common: TaskCommon = {
    pos: posOf(file, node),
    where,
    when: [],
    tags: [],
    noLog: false,
    ignoreErrors: false,
    vars: {},
    baseDir: dirname(file.path),
  };
  const moduleKeys: typeof entries = [];
  for (const { key, keyNode, value } of entries) {
    const at = `${where}.${key}`;
    switch (key) {
      case "name":
        common.name = String(toJs(value) ?? "");
        break;
      case "when":
        common.when = conditions(ctx, value, at);
        break;
      case "tags":
        common.tags = strings(ctx, value, at);
        break;
      case "become":
        common.become = bool(ctx, value, at);
        break;
      case "become_user":
        common.becomeUser = String(toJs(value));
        break;
      case "check_mode":
        common.checkMode = bool(ctx, value, at);
        break;
      case "no_log":
        common.noLog = bool(ctx, value, at) ?? false;
        break;
      case "diff":
        common.diff = bool(ctx, value, at);
        break;
      case "ignore_errors":
        common.ignoreErrors = bool(ctx, value, at) ?? false;
        break;
      case "run_once":
        common.runOnce = bool(ctx, value, at);
        break;
      case "vars":
        if (!isMap(value)) problems.add(file, value ?? keyNode, at, `expected a mapping, got ${describeType(value)}`);
        else common.vars = toJs(value) as Record<string, unknown>;
        checkTemplates(ctx, value, at);
        break;
      default:
        if (!TASK_KEYWORDS.has(key)) moduleKeys.push({ key, keyNode, value });
    }
  }

  if (byKey.has("block")) return parseBlock(ctx, common, byKey, moduleKeys, where);
  const directives = ["meta", "set_fact", "import_tasks", "include_tasks", "hook"].filter((k) => byKey.has(k));
  for (const orphan of ["rescue", "always"]) {
    if (byKey.has(orphan))
      problems.add(file, byKey.get(orphan)?.keyNode, where, `"${orphan}" needs a "block" beside it`);
  }
  if (directives.length + moduleKeys.length > 1) {
    const names = [...directives, ...moduleKeys.map((m) => m.key)];
    problems.add(file, node, where, `a task runs exactly one module; found ${names.map((n) => `"${n}"`).join(", ")}`);
    return undefined;
  }
  const directive = directives[0];
  if (directive === "meta") {
    const action = toJs(byKey.get("meta")?.value);
    if (action !== "flush_handlers") {
      problems.add(
        file,
        byKey.get("meta")?.value,
        `${where}.meta`,
        `unknown meta action "${action}" (supported: flush_handlers)`,
      );
      return undefined;
    }
    return { ...common, kind: "meta", action };
  }
  if (directive === "set_fact") {
    const value = byKey.get("set_fact")?.value ?? null;
    if (!isMap(value)) {
      problems.add(
        file,
        value,
        `${where}.set_fact`,
        `expected a mapping of names to values, got ${describeType(value)}`,
      );
      return undefined;
    }
    checkTemplates(ctx, value, `${where}.set_fact`);
    return { ...common, kind: "set_fact", facts: toJs(value) as Record<string, unknown> };
  }
  if (directive === "import_tasks" || directive === "include_tasks") return parseImport(ctx, common, byKey, directive);
  if (directive === "hook") return parseHook(ctx, common, byKey);

  const moduleEntry = moduleKeys[0];
  if (!moduleEntry) {
    problems.add(file, node, where, `no module given (known modules: ${ctx.modules.names().join(", ")})`);
    return undefined;
  }
  return parseModuleTask(ctx, common, byKey, moduleEntry, where);
}

/**
 * Ansible's shell-running modules (`shell`, `raw`, `script`, and misspellings of them) are `command` with `cmd:` here;
 * otherwise the nearest module, then the nearest keyword.
 */
function unknownModuleHint(name: string, modules: readonly string[]): string {
  const bare = name.replace(/^ansible\.(builtin|legacy)\./, "");
  if (didYouMean(bare, ["shell", "raw", "script"]) !== undefined && !modules.includes(bare)) {
    return ': use module "command" with `cmd:` (it runs the line through /bin/sh)';
  }
  return didYouMeanText(bare, modules) || didYouMeanText(bare, TASK_KEYWORDS);
}

function parseModuleTask(
  ctx: TaskParseContext,
  common: TaskCommon,
  byKey: Map<string, { key: string; keyNode: Node; value: Node | null }>,
  moduleEntry: { key: string; keyNode: Node; value: Node | null },
  where: string,
): ModuleTask | undefined {
  const { file, problems } = ctx;
  const module = ctx.modules.get(moduleEntry.key);
  if (!module) {
    problems.add(
      file,
      moduleEntry.keyNode,
      where,
      `unknown module "${moduleEntry.key}"${unknownModuleHint(moduleEntry.key, ctx.modules.names())}`,
    );
    return undefined;
  }
  let args = toJs(moduleEntry.value);
  if (typeof args === "string" || args === null) {
    if (args !== null && !module.freeForm) {
      problems.add(
        file,
        moduleEntry.value,
        `${where}.${module.name}`,
        `module "${module.name}" takes a mapping of args`,
      );
      return undefined;
    }
    args = args === null ? {} : { [module.freeForm as string]: args };
  }
  const extra = byKey.get("args");
  if (extra) args = { ...(args as object), ...(toJs(extra.value) as object) };
  if (module.renamed && args && typeof args === "object") {
    args = movedArgs(
      ctx.problems,
      ctx.file,
      moduleEntry.value,
      `${where}.${module.name}`,
      args as Record<string, unknown>,
      module.renamed,
    );
  }
  checkTemplates(ctx, moduleEntry.value, `${where}.${module.name}`);
  if (!JSON.stringify(args).includes("{{")) {
    const parsed = module.argsSchema.safeParse(args);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map(String).join(".");
        const argNode =
          issue.path.length && isMap(moduleEntry.value)
            ? moduleEntry.value.get(issue.path[0] as string, true)
            : undefined;
        problems.add(
          file,
          (argNode as Node | undefined) ?? moduleEntry.value,
          `${where}.${module.name}${path ? `.${path}` : ""}`,
          issue.message,
        );
      }
    }
  }
  const loopEntry = byKey.get("loop") ?? byKey.get("with_items");
  if (loopEntry) checkTemplates(ctx, loopEntry.value, `${where}.loop`);
  const loopControl = toJs(byKey.get("loop_control")?.value) as { loop_var?: string } | null;
  const register = byKey.get("register");
  return {
    ...common,
    kind: "module",
    module: module.name,
    args,
    loop: loopEntry ? toJs(loopEntry.value) : undefined,
    loopVar: loopControl?.loop_var ?? "item",
    register: register ? String(toJs(register.value)) : undefined,
    notify: byKey.has("notify") ? strings(ctx, byKey.get("notify")?.value ?? null, `${where}.notify`) : [],
    changedWhen: byKey.has("changed_when")
      ? conditions(ctx, byKey.get("changed_when")?.value ?? null, `${where}.changed_when`)
      : undefined,
    failedWhen: byKey.has("failed_when")
      ? conditions(ctx, byKey.get("failed_when")?.value ?? null, `${where}.failed_when`)
      : undefined,
    listen: byKey.has("listen") ? strings(ctx, byKey.get("listen")?.value ?? null, `${where}.listen`) : [],
  };
}

function parseBlock(
  ctx: TaskParseContext,
  common: TaskCommon,
  byKey: Map<string, { key: string; keyNode: Node; value: Node | null }>,
  moduleKeys: Array<{ key: string; keyNode: Node }>,
  where: string,
): Task {
  for (const m of moduleKeys) {
    ctx.problems.add(
      ctx.file,
      m.keyNode,
      where,
      `a block cannot also run module "${m.key}"${didYouMeanText(m.key, TASK_KEYWORDS)}`,
    );
  }
  for (const key of MODULE_KEYS) {
    const entry = byKey.get(key);
    if (entry) ctx.problems.add(ctx.file, entry.keyNode, where, `"${key}" does not apply to a block`);
  }
  return {
    ...common,
    kind: "block",
    block: parseTaskList(ctx, byKey.get("block")?.value ?? null, `${where}.block`),
    rescue: parseTaskList(ctx, byKey.get("rescue")?.value ?? null, `${where}.rescue`),
    always: parseTaskList(ctx, byKey.get("always")?.value ?? null, `${where}.always`),
  };
}

function parseImport(
  ctx: TaskParseContext,
  common: TaskCommon,
  byKey: Map<string, { key: string; keyNode: Node; value: Node | null }>,
  directive: string,
): Task | undefined {
  const entry = byKey.get(directive);
  const target = toJs(entry?.value);
  if (typeof target !== "string" || hasTemplate(target)) {
    ctx.problems.add(
      ctx.file,
      entry?.value,
      `${common.where}.${directive}`,
      "expected the path of a task file (no templates: imports are resolved when the playbook is read)",
    );
    return undefined;
  }
  const tasks = importTaskFile(ctx, resolve(dirname(ctx.file.path), target), entry?.value ?? null, common.where);
  return { ...common, kind: "block", block: tasks, rescue: [], always: [] };
}

function parseHook(
  ctx: TaskParseContext,
  common: TaskCommon,
  byKey: Map<string, { key: string; keyNode: Node; value: Node | null }>,
): Task {
  const name = String(toJs(byKey.get("hook")?.value));
  const tasks = hookPointTasks(ctx, name, byKey.get("hook")?.value ?? null, common.where);
  return { ...common, name: common.name ?? `hook ${name}`, kind: "block", block: tasks, rescue: [], always: [] };
}

/**
 * The tasks a project plugs into hook point `name` (task files, then slipway.yml's inline tasks), parsed; `node` and
 * `where` locate the `hook:` that asked, for problems in the files it names.
 */
export function hookPointTasks(ctx: TaskParseContext, name: string, node: Node | null, where: string): Task[] {
  const entries = ctx.hooks[name] ?? [];
  const files = entries.filter((e): e is string => typeof e === "string");
  const inline = entries.filter((e): e is Readonly<Record<string, unknown>> => typeof e !== "string");
  const tasks = files.flatMap((path) => importTaskFile(ctx, resolve(path), node, where));
  if (inline.length > 0) {
    const located = ctx.hooksFile ? locateInlineHooks(ctx.hooksFile, name, inline, TASK_KEYWORDS) : undefined;
    if (located) tasks.push(...parseTaskList({ ...ctx, file: located.file }, located.tasks, `hooks.${name}`));
    else {
      const synthetic = parseYamlText(stringify(inline.map(playbookForm)), "slipway.yml", ctx.problems);
      tasks.push(...parseTaskList({ ...ctx, file: synthetic }, synthetic.root, `hooks.${name}`));
    }
  }
  return tasks;
}

/** `{ module: command, cmd: x, when: y }` (slipway.yml) -> `{ command: { cmd: x }, when: y }` (playbook). */
export function playbookForm(task: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { module, ...rest } = task;
  const keywords = Object.fromEntries(Object.entries(rest).filter(([k]) => TASK_KEYWORDS.has(k)));
  const args = Object.fromEntries(Object.entries(rest).filter(([k]) => !TASK_KEYWORDS.has(k)));
  return { ...keywords, [String(module)]: args };
}

function importTaskFile(ctx: TaskParseContext, path: string, node: Node | null, where: string): Task[] {
  if (ctx.importing.includes(path)) {
    ctx.problems.add(ctx.file, node, where, `import cycle: ${[...ctx.importing, path].join(" -> ")}`);
    return [];
  }
  const file = loadYamlFile(path, ctx.problems);
  return parseTaskList({ ...ctx, file, importing: [...ctx.importing, path] }, file.root, "tasks");
}
