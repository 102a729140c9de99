/** Reads a playbook file into plays, reporting every problem with file:line:col. */
import { dirname, resolve } from "node:path";
import { isMap, isScalar, isSeq, type Node } from "yaml";
import { didYouMeanText } from "../../suggest.js";
import type { ModuleTask, Play, Playbook, Serial, Task } from "../types.js";
import {
  describeType,
  entriesOf,
  loadYamlFile,
  type MapNode,
  Problems,
  parseYamlText,
  posOf,
  type SeqNode,
  type SourceFile,
  toJs,
} from "./source.js";
import { type HookEntry, hookPointTasks, type ModuleLookup, parseTaskList, type TaskParseContext } from "./task.js";

export interface ParseOptions {
  modules: ModuleLookup;
  /** What a project plugs into `hook:` points (task file paths or slipway.yml inline tasks). */
  hooks?: Readonly<Record<string, readonly HookEntry[]>>;
  /** The slipway.yml that `hooks` came from: problems in its inline tasks point at their lines there. */
  hooksFile?: string;
}

/** The context tasks are parsed in: one file's problems, the module lookup and the project's hooks. */
function taskContext(
  file: TaskParseContext["file"],
  problems: Problems,
  options: ParseOptions,
  importing: string[],
): TaskParseContext {
  return {
    file,
    problems,
    modules: options.modules,
    hooks: options.hooks ?? {},
    hooksFile: options.hooksFile,
    importing,
  };
}

const PLAY_KEYS = [
  "name",
  "hosts",
  "vars",
  "pre_tasks",
  "tasks",
  "post_tasks",
  "handlers",
  "serial",
  "max_fail_percentage",
  "any_errors_fatal",
  "force_handlers",
  "gather_facts",
  "become",
  "become_user",
  "tags",
  "import_playbook",
];

export function parsePlaybookFile(path: string, options: ParseOptions): Playbook {
  const problems = new Problems();
  const file = loadYamlFile(resolve(path), problems);
  const plays = parsePlays(file, problems, options, [file.path]);
  problems.throwIfAny();
  return { file: file.display, plays, warnings: problems.warningLines() };
}

/** For tests and for playbooks held in memory: the same as parsePlaybookFile with the text given. */
export function parsePlaybookText(text: string, path: string, options: ParseOptions): Playbook {
  const problems = new Problems();
  const file = parseYamlText(text, resolve(path), problems);
  const plays = parsePlays(file, problems, options, [file.path]);
  problems.throwIfAny();
  return { file: file.display, plays, warnings: problems.warningLines() };
}

/**
 * The tasks of hook point `name` as `options.hooks` fills it (slipway.yml's `hooks:`), parsed straight into tasks: what
 * the deploy runs at its hook steps with engine/run-tasks.ts. Problems point at slipway.yml (`options.hooksFile`) or
 * the task files; throws PlaybookParseError with all of them. `warnings`: renamed module arguments.
 */
export function parseHookPoint(name: string, options: ParseOptions): { tasks: Task[]; warnings: string[] } {
  const problems = new Problems();
  const file = parseYamlText("", options.hooksFile ?? resolve("slipway.yml"), problems);
  const ctx = taskContext(file, problems, options, []);
  const tasks = hookPointTasks(ctx, name, null, `hooks.${name}`);
  problems.throwIfAny();
  return { tasks, warnings: problems.warningLines() };
}

function parsePlays(file: SourceFile, problems: Problems, options: ParseOptions, importing: string[]): Play[] {
  const root = file.root;
  if (problems.problems.length) return [];
  if (!isSeq(root)) {
    problems.add(file, root, "", `a playbook is a list of plays, got ${describeType(root)}`);
    return [];
  }
  const items = (root as SeqNode).items;
  const plays: Play[] = [];
  items.forEach((node, index) => {
    const where = items.length === 1 ? "" : `plays[${index}]`;
    if (isMap(node) && (node as MapNode).has("import_playbook")) {
      const target = String(toJs((node as MapNode).get("import_playbook", true) as Node));
      const path = resolve(dirname(file.path), target);
      if (importing.includes(path)) {
        problems.add(file, node, where, `import cycle: ${[...importing, path].join(" -> ")}`);
        return;
      }
      const imported = loadYamlFile(path, problems);
      plays.push(...parsePlays(imported, problems, options, [...importing, path]));
      return;
    }
    const play = parsePlay(file, problems, options, node, where, importing);
    if (play) plays.push(play);
  });
  return plays;
}

function at(where: string, key: string): string {
  return where ? `${where}.${key}` : key;
}

function parsePlay(
  file: SourceFile,
  problems: Problems,
  options: ParseOptions,
  node: Node,
  where: string,
  importing: string[],
): Play | undefined {
  if (!isMap(node)) {
    problems.add(file, node, where, `expected a play (a mapping with hosts and tasks), got ${describeType(node)}`);
    return undefined;
  }
  const ctx = taskContext(file, problems, options, importing);
  const byKey = new Map(entriesOf(node as MapNode).map((e) => [e.key, e]));
  for (const { key, keyNode } of byKey.values()) {
    if (!PLAY_KEYS.includes(key))
      problems.add(file, keyNode, where, `unknown play keyword "${key}"${didYouMeanText(key, PLAY_KEYS)}`);
  }
  const value = (key: string) => byKey.get(key)?.value ?? null;
  const hosts = toJs(value("hosts"));
  if (typeof hosts !== "string" || hosts.trim() === "") {
    problems.add(
      file,
      value("hosts") ?? node,
      at(where, "hosts"),
      "every play needs `hosts:` (a pattern such as all, a group, a host, web:!db)",
    );
  }
  const vars = value("vars");
  if (vars && !isMap(vars))
    problems.add(file, vars, at(where, "vars"), `expected a mapping, got ${describeType(vars)}`);
  const flag = (key: string, fallback: boolean): boolean => {
    const v = toJs(value(key));
    if (v === null || v === undefined) return fallback;
    if (typeof v !== "boolean") {
      problems.add(file, value(key), at(where, key), `expected true or false, got ${describeType(value(key))}`);
      return fallback;
    }
    return v;
  };
  const handlers = parseTaskList(ctx, value("handlers"), at(where, "handlers")).filter((h): h is ModuleTask => {
    if (h.kind !== "module" || !h.name) {
      problems.addAt(h.pos, h.where, "a handler is a named task that runs one module");
      return false;
    }
    return true;
  });
  const tasks = [
    ...parseTaskList(ctx, value("pre_tasks"), at(where, "pre_tasks")),
    ...parseTaskList(ctx, value("tasks"), at(where, "tasks")),
    ...parseTaskList(ctx, value("post_tasks"), at(where, "post_tasks")),
  ];
  checkNotify(problems, [...tasks, ...handlers], handlers);
  const maxFail = toJs(value("max_fail_percentage"));
  if (maxFail !== null && (typeof maxFail !== "number" || maxFail < 0 || maxFail > 100)) {
    problems.add(
      file,
      value("max_fail_percentage"),
      at(where, "max_fail_percentage"),
      "expected a number from 0 to 100",
    );
  }
  const become = toJs(value("become"));
  return {
    name: String(toJs(value("name")) ?? hosts ?? ""),
    pos: posOf(file, node),
    hosts: typeof hosts === "string" ? hosts : "",
    vars: isMap(vars) ? (toJs(vars) as Record<string, unknown>) : {},
    tasks,
    handlers,
    serial: parseSerial(file, problems, value("serial"), at(where, "serial")),
    maxFailPercentage: typeof maxFail === "number" ? maxFail : undefined,
    anyErrorsFatal: flag("any_errors_fatal", false),
    forceHandlers: flag("force_handlers", true),
    gatherFacts: flag("gather_facts", true),
    become: typeof become === "boolean" ? become : undefined,
    becomeUser: value("become_user") ? String(toJs(value("become_user"))) : undefined,
    tags: ((): string[] => {
      const t = toJs(value("tags"));
      return t === null ? [] : Array.isArray(t) ? t.map(String) : [String(t)];
    })(),
  };
}

/** Every `notify:` must name a handler (or a topic a handler listens to): a typo would silently skip a restart. */
function checkNotify(problems: Problems, tasks: readonly Task[], handlers: readonly ModuleTask[]): void {
  const known = new Set(handlers.flatMap((h) => [h.name as string, ...h.listen]));
  const walk = (list: readonly Task[]) => {
    for (const task of list) {
      if (task.kind === "block") walk([...task.block, ...task.rescue, ...task.always]);
      if (task.kind !== "module") continue;
      for (const name of task.notify) {
        if (!known.has(name)) {
          problems.addAt(
            task.pos,
            `${task.where}.notify`,
            `no handler is named "${name}"${didYouMeanText(name, known)}`,
          );
        }
      }
    }
  };
  walk(tasks);
}

const PERCENT = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/;

function parseSerial(file: SourceFile, problems: Problems, node: Node | null, where: string): Serial {
  const value = toJs(node);
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  const ok = list.every(
    (v) => (typeof v === "number" && Number.isInteger(v) && v > 0) || (typeof v === "string" && PERCENT.test(v)),
  );
  if (!ok || list.length === 0) {
    const target = isSeq(node) || isScalar(node) ? node : null;
    problems.add(file, target, where, 'expected a positive whole number, a percentage like "30%", or a list of them');
    return [];
  }
  return list as Serial;
}
