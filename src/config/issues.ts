/**
 * Turn zod issues into ConfigIssues: each with its file:line:col, the dotted path, what was expected and what was
 * found. Unknown keys get a "did you mean"; a key that looks like a secret written in the file gets told to reference an
 * environment variable instead.
 */
import type { z } from "zod";
import { didYouMean } from "../suggest.js";
import { describeExpectedType, describeFound } from "./describe-value.js";
import { removedKeyMessage } from "./removed-keys.js";
import { SECRET_LIKE_NAME } from "./schema/services.js";
import { keysAt } from "./schema-walk.js";
import { type NodeLocation, type PathSegment, type Position, type PositionMap, pathKey } from "./yaml-positions.js";

export interface ConfigIssue {
  file: string;
  line: number;
  col: number;
  /** Path in the merged config (`["services", "backend", "health", "path"]`). */
  path: PathSegment[];
  message: string;
  /** Set when the offending value was written in `environments.<name>`. */
  environment?: string;
}

export function formatPath(path: readonly PathSegment[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (/^[A-Za-z0-9_$-]+$/.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** `file:line:col: path: message`; a path written in an overlay is shown as `environments.<env>.<path>`. */
export function formatIssue(issue: ConfigIssue): string {
  const shown = issue.environment ? ["environments", issue.environment, ...issue.path] : issue.path;
  const where = `${issue.file}:${issue.line}:${issue.col}`;
  return shown.length > 0 ? `${where}: ${formatPath(shown)}: ${issue.message}` : `${where}: ${issue.message}`;
}

export function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues
    .filter((issue) => {
      const key = formatIssue(issue);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}

export interface IssueContext {
  file: string;
  positions: PositionMap;
  /** The schema the value was checked against (for the keys "did you mean" picks from). */
  schema: z.ZodType;
  /** Prefix of the zod paths within the document (when validating a sub-tree such as `environments`). */
  prefix?: PathSegment[];
  /** The value that was validated (to tell a literal secret from a nested mapping). */
  value?: unknown;
}

export function fromZodIssues(issues: readonly z.core.$ZodIssue[], context: IssueContext): ConfigIssue[] {
  return issues.flatMap((issue) => fromZodIssue(issue, context));
}

/**
 * Of a union's branches, the one the value took the shape of (`check: {status: "2xx"}` is a mapping, so the mapping
 * branch): the only branch whose problems are all inside the value or its keys. Its problems say more than "expected
 * false or a mapping".
 */
function closestBranch(branches: readonly (readonly z.core.$ZodIssue[])[]): readonly z.core.$ZodIssue[] | undefined {
  const inside = branches.filter(
    (b) => b.length > 0 && b.every((i) => i.path.length > 0 || i.code === "unrecognized_keys"),
  );
  return inside.length === 1 ? inside[0] : undefined;
}

function fromZodIssue(issue: z.core.$ZodIssue, context: IssueContext): ConfigIssue[] {
  const prefix = context.prefix ?? [];
  const path = [...prefix, ...(issue.path as PathSegment[])];
  const branch = issue.code === "invalid_union" ? closestBranch(issue.errors) : undefined;
  if (issue.code === "invalid_union" && branch) {
    return branch.flatMap((inner) => fromZodIssue({ ...inner, path: [...issue.path, ...inner.path] }, context));
  }
  if (issue.code === "unrecognized_keys") {
    const allowed = keysAt(context.schema, issue.path as PathSegment[]);
    return issue.keys.map((key) => {
      const keyPath = [...path, key];
      const value = valueAt(context.value, [...(issue.path as PathSegment[]), key]);
      const removed = removedKeyMessage([...(issue.path as PathSegment[]), key]);
      return locate(context, keyPath, removed ?? unknownKeyMessage(key, value, allowed), "key");
    });
  }
  if (issue.code === "invalid_key") {
    // A map key that fails its pattern (a service named "Backend"): point at the key, quote the key.
    const inner = issue.issues[0];
    const expected = (inner && customExpected(inner.message)) ?? "expected a different key name";
    return [locate(context, path, `${expected}, found ${describeFound(path[path.length - 1])}`, "key")];
  }
  const input = (issue as { input?: unknown }).input;
  if (input === undefined && issue.code === "invalid_type") {
    const expected = customExpected(issue.message) ?? `expected ${describeExpectedType(issue.expected)}`;
    const key = path[path.length - 1];
    return [locate(context, path, `missing required key \`${String(key)}\` (${expected})`, "parent")];
  }
  // A value where a secret's name belongs may be the secret itself: say what is wrong, never echo it.
  const shown = isSecretReference(path) ? undefined : input;
  return [locate(context, path, valueMessage(issue, shown), "value")];
}

/** `*_secret` keys and entries of `secrets` lists: they hold names of secrets, and a wrong one is often a value. */
export function isSecretReference(path: readonly PathSegment[]): boolean {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  return (typeof last === "string" && /_secret$/.test(last)) || (typeof last === "number" && parent === "secrets");
}

function valueMessage(issue: z.core.$ZodIssue, input: unknown): string {
  let message = customExpected(issue.message) ?? issue.message;
  if (!customExpected(issue.message)) {
    if (issue.code === "invalid_type") message = `expected ${describeExpectedType(issue.expected)}`;
    else if (issue.code === "invalid_value")
      message = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  if (issue.code === "invalid_value" && typeof input === "string") {
    const suggestion = didYouMean(input, issue.values.map(String));
    if (suggestion) return `${message}, found ${describeFound(input)}: did you mean \`${suggestion}\`?`;
  }
  // "found a mapping" helps after a wrong type; after a rule about a whole section it is noise.
  const worthShowing =
    issue.code === "invalid_type" || issue.code === "invalid_union" || input === null || typeof input !== "object";
  if (input !== undefined && worthShowing && message.startsWith("expected") && !message.includes(", found ")) {
    return `${message}, found ${describeFound(input)}`;
  }
  return message;
}

/** The schema's own "expected ..." message, if the issue carries one. */
function customExpected(message: string): string | undefined {
  return message.startsWith("expected ") ? message : undefined;
}

function unknownKeyMessage(key: string, value: unknown, allowed: string[]): string {
  if (SECRET_LIKE_NAME.test(key) && (typeof value === "string" || typeof value === "number")) {
    const reference =
      allowed.find((k) => k === `${key}_secret`) ?? allowed.find((k) => k.endsWith("_secret")) ?? "secrets";
    const example = reference === "secrets" ? "`secrets: [MY_SECRET]`" : `\`${reference}: MY_SECRET\``;
    return `looks like a literal secret value: never write secrets in the file, reference an environment variable name instead (${example})`;
  }
  const suggestion = didYouMean(key, allowed);
  if (suggestion) return `unknown key, did you mean \`${suggestion}\`?`;
  return allowed.length > 0 ? `unknown key (expected one of: ${allowed.join(", ")})` : "unknown key";
}

/**
 * Find where to point: the key itself (unknown keys), the value (wrong values; for a mapping, its key line), or the
 * closest existing ancestor (missing keys).
 */
export function locate(
  context: Pick<IssueContext, "file" | "positions">,
  path: PathSegment[],
  message: string,
  anchor: "key" | "value" | "parent",
): ConfigIssue {
  let location: NodeLocation | undefined;
  let depth = path.length;
  if (anchor === "parent") depth -= 1;
  for (; depth >= 0 && !location; depth--) location = context.positions.get(pathKey(path.slice(0, depth)));
  let position: Position = { line: 1, col: 1 };
  if (location) {
    const exact = depth + 1 === path.length;
    const preferKey = anchor === "key" || anchor === "parent" || !exact || location.collection === true;
    position = (preferKey ? location.key : undefined) ?? location.value;
  }
  return {
    file: context.file,
    line: position.line,
    col: position.col,
    path,
    message,
    ...(location?.environment ? { environment: location.environment } : {}),
  };
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[String(segment)];
  }
  return current;
}
