/** A YAML file loaded with node positions, and the collector of problems found in it. */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap, type YAMLSeq } from "yaml";
import { ConfigError } from "../../errors.js";
import type { SourcePos } from "../types.js";

export interface SourceFile {
  path: string;
  /** Path as shown in messages (relative to the working directory). */
  display: string;
  root: Node | null;
  lines: LineCounter;
}

export function loadYamlFile(path: string, problems: Problems): SourceFile {
  const display = relative(process.cwd(), path) || path;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`${display}: cannot read the file (${(error as Error).message})`, {
      hint: "check the path of the playbook or the imported task file",
      cause: error,
    });
  }
  return parseYamlText(text, path, problems);
}

export function parseYamlText(text: string, path: string, problems: Problems): SourceFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: false });
  const file: SourceFile = { path, display: relative(process.cwd(), path) || path, root: doc.contents, lines };
  for (const error of doc.errors) {
    const [line, col] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [1, 1];
    problems.addAt(`${file.display}:${line}:${col}`, "", `YAML syntax: ${error.message.split("\n")[0]}`);
  }
  return file;
}

export function posOf(file: SourceFile, node: Node | null | undefined): SourcePos {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = file.lines.linePos(offset);
  return { file: file.display, line: Math.max(line, 1), col: Math.max(col, 1) };
}

/** Collects every problem in a playbook so the user sees them all at once, then throws one ConfigError. */
export class Problems {
  readonly messages: string[] = [];

  add(file: SourceFile, node: Node | null | undefined, where: string, message: string): void {
    const pos = posOf(file, node);
    this.addAt(`${pos.file}:${pos.line}:${pos.col}`, where, message);
  }

  addAt(location: string, where: string, message: string): void {
    this.messages.push(`${location}: ${where ? `${where}: ` : ""}${message}`);
  }

  throwIfAny(): void {
    if (this.messages.length === 0) return;
    // In file order, whatever order the checks ran in.
    const key = (m: string) => {
      const match = /^(.*?):(\d+):(\d+):/.exec(m);
      return match ? ([match[1] as string, Number(match[2]), Number(match[3])] as const) : (["", 0, 0] as const);
    };
    const sorted = this.messages
      .map((m, i) => ({ m, i, k: key(m) }))
      .sort((a, b) => a.k[0].localeCompare(b.k[0]) || a.k[1] - b.k[1] || a.k[2] - b.k[2] || a.i - b.i)
      .map((x) => x.m);
    throw new ConfigError(sorted.join("\n"), {
      step: "parse playbook",
      hint: "fix the playbook at the positions shown",
    });
  }
}

export function describeType(node: Node | null | undefined): string {
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) return node.value === null ? "nothing" : `${typeof node.value} ${JSON.stringify(node.value)}`;
  return "nothing";
}

export type MapNode = YAMLMap<Node, Node | null>;
export type SeqNode = YAMLSeq<Node>;

/** Key/value pairs of a mapping node, keys as strings. */
export function entriesOf(map: MapNode): Array<{ key: string; keyNode: Node; value: Node | null }> {
  return map.items.map((pair) => ({
    key: String(isScalar(pair.key) ? pair.key.value : pair.key),
    keyNode: pair.key as Node,
    value: (pair.value ?? null) as Node | null,
  }));
}

export function toJs(node: Node | null | undefined): unknown {
  if (!node) return null;
  return node.toJSON();
}
