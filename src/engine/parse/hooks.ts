/**
 * Positions for slipway.yml's inline hook tasks. They are written `{ module: command, name: x, argv: [...] }`; the
 * parser wants the playbook form `{ name: x, command: { argv: [...] } }`. Rebuilding that form from slipway.yml's own
 * YAML nodes keeps their ranges, so a problem in a hook task points at its real line and column in slipway.yml.
 */
import { isMap, isScalar, isSeq, type Node, Pair, YAMLMap, YAMLSeq } from "yaml";
import { loadYamlFile, Problems, type SourceFile } from "./source.js";
import type { HookEntry } from "./task.js";

/** JSON with object keys sorted: the config loader may reorder a task's keys. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

export interface LocatedHooks {
  file: SourceFile;
  /** The hook's tasks in playbook form, made of the file's own nodes. */
  tasks: YAMLSeq<Node>;
}

/** `{ module: M, k: v, <keyword>: w }` -> `{ <keyword>: w, M: { k: v } }`, reusing the pairs (and their ranges). */
export function playbookFormNode(item: YAMLMap<Node, Node | null>, keywords: ReadonlySet<string>): YAMLMap {
  const task = new YAMLMap<Node, Node | null>();
  const args = new YAMLMap<Node, Node | null>();
  task.range = item.range;
  args.range = item.range;
  let module: Node | null = null;
  for (const pair of item.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (key === "module") module = pair.value;
    else if (keywords.has(key)) task.items.push(pair);
    else args.items.push(pair);
  }
  if (module) task.items.push(new Pair(module, args));
  return task;
}

/**
 * The inline tasks of hook `name` as slipway.yml holds them, or undefined when the file's list is not exactly what the
 * configuration holds (an environment overlay replaced it): then the caller falls back to positions in a rendering.
 */
export function locateInlineHooks(
  path: string,
  name: string,
  inline: ReadonlyArray<Readonly<Record<string, unknown>>>,
  keywords: ReadonlySet<string>,
): LocatedHooks | undefined {
  let file: SourceFile;
  try {
    file = loadYamlFile(path, new Problems());
  } catch {
    return undefined;
  }
  const root = file.root;
  const list = isMap(root) ? (root as YAMLMap).getIn(["hooks", name], true) : undefined;
  if (!isSeq(list)) return undefined;
  const items = (list as YAMLSeq<Node>).items.filter((item) => isMap(item)) as Array<YAMLMap<Node, Node | null>>;
  if (canonical(items.map((item) => item.toJSON())) !== canonical(inline)) return undefined;
  const tasks = new YAMLSeq<Node>();
  tasks.range = (list as YAMLSeq).range;
  tasks.items = items.map((item) => playbookFormNode(item, keywords));
  return { file, tasks };
}

/** slipway.yml's `hooks:` (inline tasks) in the form the playbook parser takes. */
export function hooksFromConfig(config: { hooks: Record<string, readonly unknown[]> }): Record<string, HookEntry[]> {
  return Object.fromEntries(
    Object.entries(config.hooks).map(([name, tasks]) => [name, tasks as unknown as HookEntry[]]),
  );
}
