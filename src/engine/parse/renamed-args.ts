import { isMap, isScalar, type Node } from "yaml";
import type { Problems, SourceFile } from "./source.js";

/**
 * Module arguments that were renamed: a task that still writes the old name keeps working, and the parser warns with
 * the task's position and the new name (Ansible's deprecation warnings do the same for module options).
 */

/** Old argument name -> its current name; a dotted name (`backups.keep`) is an argument inside a mapping. */
export type RenamedArgs = Readonly<Record<string, string>>;

export interface RenameResult {
  /** The arguments with every old name moved to its new one (the input is not changed). */
  args: Record<string, unknown>;
  /** `[old, new]` for each old name the task used. */
  moved: Array<[string, string]>;
  /** `[old, new]` where the task set both names: the parser refuses it (which one was meant is unknown). */
  clashes: Array<[string, string]>;
}

function getPath(obj: Record<string, unknown>, path: readonly string[]): unknown {
  let at: unknown = obj;
  for (const key of path) at = at && typeof at === "object" ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

function setPath(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = obj;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    // Copy each mapping on the way, so the caller's object is never changed.
    at[key] = next && typeof next === "object" && !Array.isArray(next) ? { ...(next as object) } : {};
    at = at[key] as Record<string, unknown>;
  }
  at[path[path.length - 1] as string] = value;
}

/** Moves each old top-level argument of `args` to its new name. Pure. */
export function renameArgs(args: Readonly<Record<string, unknown>>, renamed: RenamedArgs): RenameResult {
  const out: Record<string, unknown> = { ...args };
  const moved: Array<[string, string]> = [];
  const clashes: Array<[string, string]> = [];
  for (const [old, current] of Object.entries(renamed)) {
    if (!(old in out)) continue;
    const path = current.split(".");
    if (getPath(out, path) !== undefined) {
      clashes.push([old, current]);
      continue;
    }
    setPath(out, path, out[old]);
    delete out[old];
    moved.push([old, current]);
  }
  return { args: out, moved, clashes };
}

/** The task's arguments with renamed ones under their new names; warns for each old name, refuses old and new both. */
export function movedArgs(
  problems: Problems,
  file: SourceFile,
  node: Node | null,
  where: string,
  args: Record<string, unknown>,
  renamed: RenamedArgs,
): Record<string, unknown> {
  const result = renameArgs(args, renamed);
  // Point at the key the user wrote (its value may be long or templated).
  const nodeOf = (key: string) =>
    isMap(node) ? (node.items.find((pair) => isScalar(pair.key) && pair.key.value === key)?.key as Node) : undefined;
  for (const [old, current] of result.moved) {
    problems.warn(file, nodeOf(old) ?? node, `${where}.${old}`, `\`${old}\` is deprecated: write \`${current}\``);
  }
  for (const [old, current] of result.clashes) {
    const message = `\`${old}\` is the old name of \`${current}\`: set only \`${current}\``;
    problems.add(file, nodeOf(old) ?? node, `${where}.${old}`, message);
  }
  return result.args;
}
