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
    problems.addAt({ file: file.display, line, col }, "", `YAML syntax: ${error.message.split("\n")[0]}`);
  }
  return file;
}

export function posOf(file: SourceFile, node: Node | null | undefined): SourcePos {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = file.lines.linePos(offset);
  return { file: file.display, line: Math.max(line, 1), col: Math.max(col, 1) };
}

/** One problem found in a playbook: where (file as shown, 1-based line and col), the key path, what is wrong. */
export interface ParseProblem {
  file: string;
  line: number;
  col: number;
  /** Key path inside the playbook or hook (`plays[0].tasks[2]`), "" at the top. */
  where: string;
  message: string;
}

/** The ConfigError of a playbook that does not parse: its message is every problem's line, `problems` the same data. */
export class PlaybookParseError extends ConfigError {
  constructor(readonly problems: readonly ParseProblem[]) {
    super(problems.map(formatProblem).join("\n"), {
      step: "parse playbook",
      hint: "fix the playbook at the positions shown",
    });
  }
}

/** `file:line:col: where: message` (no `where: ` at the top). */
export function formatProblem(p: ParseProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.where ? `${p.where}: ` : ""}${p.message}`;
}

/** Collects every problem in a playbook so the user sees them all at once, then throws one PlaybookParseError. */
export class Problems {
  readonly problems: ParseProblem[] = [];
  /** What is allowed but should change (a renamed argument): shown, never thrown. */
  readonly warnings: ParseProblem[] = [];

  warn(file: SourceFile, node: Node | null | undefined, where: string, message: string): void {
    const pos = posOf(file, node);
    this.warnings.push({ file: pos.file, line: pos.line, col: pos.col, where, message });
  }

  /** The warnings as `file:line:col: where: message` lines, in file order. */
  warningLines(): string[] {
    return sortedByPosition(this.warnings).map(formatProblem);
  }

  add(file: SourceFile, node: Node | null | undefined, where: string, message: string): void {
    this.addAt(posOf(file, node), where, message);
  }

  addAt(pos: { file: string; line: number; col: number }, where: string, message: string): void {
    this.problems.push({ file: pos.file, line: pos.line, col: pos.col, where, message });
  }

  throwIfAny(): void {
    if (this.problems.length === 0) return;
    // In file order, whatever order the checks ran in (sort is stable: same position keeps the order found).
    throw new PlaybookParseError(sortedByPosition(this.problems));
  }
}

function sortedByPosition(list: readonly ParseProblem[]): ParseProblem[] {
  return [...list].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
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
