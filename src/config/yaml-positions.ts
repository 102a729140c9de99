/**
 * Parse YAML keeping where every key and value sits, so that a problem found in the plain JS value (by zod or by the
 * overlay merge) can be reported at `file:line:col`.
 */
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from "yaml";

export type PathSegment = string | number;
export interface Position {
  line: number;
  col: number;
}
/** Where a value sits; `key` is the position of its mapping key (absent for list items and the root). */
export interface NodeLocation {
  value: Position;
  key?: Position;
  /** Set when the value came from an environment overlay: its name. */
  environment?: string;
  /** The value is a mapping or a list (errors about it point at its key line). */
  collection?: boolean;
}
export type PositionMap = Map<string, NodeLocation>;

export interface SyntaxProblem {
  position: Position;
  message: string;
}

export interface ParsedYaml {
  value: unknown;
  positions: PositionMap;
  problems: SyntaxProblem[];
}

export function pathKey(path: readonly PathSegment[]): string {
  return JSON.stringify(path.map((segment) => (typeof segment === "number" ? segment : String(segment))));
}

export function parseYamlWithPositions(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false });
  const problems: SyntaxProblem[] = doc.errors.map((error) => {
    const offset = error.pos[0];
    return { position: toPosition(lineCounter, offset), message: firstLine(error.message) };
  });
  const positions: PositionMap = new Map();
  if (doc.contents) {
    positions.set(pathKey([]), { value: toPosition(lineCounter, doc.contents.range?.[0] ?? 0) });
    walk(doc, doc.contents, [], positions, lineCounter, true, new Set());
  }
  if (problems.length === 0) keepEnvTextAsWritten(doc);
  const value = problems.length > 0 ? undefined : doc.toJS({ maxAliasCount: 1000 });
  return { value, positions, problems };
}

function walk(
  doc: Document,
  node: Node | null | undefined,
  path: PathSegment[],
  positions: PositionMap,
  lines: LineCounter,
  overwrite: boolean,
  visiting: Set<Node>,
): void {
  if (!node) return;
  if (isAlias(node)) {
    const target = node.resolve(doc);
    // An alias to an enclosing node would loop forever; its keys are already mapped.
    if (target && !visiting.has(target)) walk(doc, target, path, positions, lines, overwrite, visiting);
    return;
  }
  visiting.add(node);
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      // With `merge: true` the yaml package gives a merge key a Symbol value.
      const isMergeKey = isScalar(keyNode) && (typeof keyNode.value === "symbol" || keyNode.value === "<<");
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      if (isMergeKey) {
        // Merge keys: the merged entries live where the anchor is; explicit keys of this map win.
        const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
        for (const source of sources) walk(doc, source as Node, path, positions, lines, false, visiting);
        continue;
      }
      const childPath = [...path, key];
      const k = pathKey(childPath);
      if (!overwrite && positions.has(k)) continue;
      const valueNode = pair.value as Node | null;
      const keyOffset = keyNode?.range?.[0] ?? 0;
      const valueOffset = valueNode?.range?.[0] ?? keyNode?.range?.[1] ?? keyOffset;
      positions.set(k, {
        key: toPosition(lines, keyOffset),
        value: toPosition(lines, valueOffset),
        collection: isCollection(doc, valueNode),
      });
      walk(doc, valueNode, childPath, positions, lines, true, visiting);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const childPath = [...path, index];
      const k = pathKey(childPath);
      if (!overwrite && positions.has(k)) return;
      const offset = (item as Node | null)?.range?.[0] ?? node.range?.[0] ?? 0;
      positions.set(k, { value: toPosition(lines, offset), collection: isCollection(doc, item as Node) });
      walk(doc, item as Node, childPath, positions, lines, true, visiting);
    });
  }
  visiting.delete(node);
}

/**
 * Environment values and build args reach the app as text: YAML's number parsing would change `3.10` to 3.1, `0755`
 * to 755, `1e3` to 1000 and a 20-digit id to a rounded float. Plain numeric scalars under `services.*.env` and
 * `services.*.build.args` (in overlays too) keep the characters written in the file.
 */
function keepEnvTextAsWritten(doc: Document): void {
  visit(doc, {
    Pair(_key, pair, path) {
      const value = pair.value;
      if (!isScalar(value) || typeof value.value !== "number" || value.source === undefined) return;
      if (isEnvMapping(path)) value.value = value.source;
    },
  });
}

/** Whether the pairs of the mapping at the end of `path` are env vars: its key is `env` under a service, or `args` under `build`. */
function isEnvMapping(path: readonly unknown[]): boolean {
  const keys = path.filter(isPair).map((pair) => (isScalar(pair.key) ? String(pair.key.value) : ""));
  if (keys.at(-1) === "env") return keys.at(-3) === "services";
  return keys.at(-1) === "args" && keys.at(-2) === "build" && keys.at(-4) === "services";
}

function isCollection(doc: Document, node: Node | null | undefined): boolean {
  const target = isAlias(node) ? node.resolve(doc) : node;
  return isMap(target) || isSeq(target);
}

function toPosition(lines: LineCounter, offset: number): Position {
  const { line, col } = lines.linePos(offset);
  return { line, col };
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
