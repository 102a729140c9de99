/** Filters (`x | name(args)`) and tests (`x is name`): a fixed list of pure functions, nothing dynamic. */
import { posix } from "node:path";
import { shQuote } from "../../remote/quote.js";
import { isUndefined, must } from "./undefined.js";

type Filter = (value: unknown, ...args: unknown[]) => unknown;

export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === "object") return Object.keys(value).length > 0;
  return Boolean(value);
}

export function toText(value: unknown): string {
  const v = must(value);
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function toBool(value: unknown): boolean {
  const v = must(value);
  if (typeof v === "string") return ["true", "yes", "on", "1", "y"].includes(v.trim().toLowerCase());
  return truthy(v);
}

function asList(value: unknown): unknown[] {
  const v = must(value);
  if (Array.isArray(v)) return v;
  if (typeof v === "string") return [...v];
  if (v && typeof v === "object") return Object.keys(v);
  throw new Error(`expected a list, got ${JSON.stringify(v)}`);
}

export const FILTERS: Record<string, Filter> = {
  default: (v, fallback = "", whenFalsy = false) => (isUndefined(v) || (whenFalsy && !truthy(v)) ? fallback : v),
  mandatory: (v) => must(v),
  lower: (v) => toText(v).toLowerCase(),
  upper: (v) => toText(v).toUpperCase(),
  trim: (v) => toText(v).trim(),
  string: (v) => toText(v),
  int: (v) => {
    const n = Number.parseInt(toText(v), 10);
    return Number.isNaN(n) ? 0 : n;
  },
  float: (v) => {
    const n = Number.parseFloat(toText(v));
    return Number.isNaN(n) ? 0 : n;
  },
  bool: (v) => toBool(v),
  length: (v) => asList(v).length,
  first: (v) => asList(v)[0],
  last: (v) => asList(v).at(-1),
  list: (v) => asList(v),
  unique: (v) => [...new Set(asList(v))],
  // Ansible's set difference: the items of v not in other, in v's order.
  difference: (v, other) => asList(v).filter((item) => !asList(other).includes(item)),
  sort: (v) => [...asList(v)].sort(),
  join: (v, sep = "") => asList(v).map(toText).join(toText(sep)),
  split: (v, sep = " ") => toText(v).split(toText(sep)),
  replace: (v, from, to) => toText(v).replaceAll(toText(from), toText(to)),
  basename: (v) => posix.basename(toText(v)),
  dirname: (v) => posix.dirname(toText(v)),
  to_json: (v) => JSON.stringify(must(v)),
  from_json: (v) => JSON.parse(toText(v)),
  quote: (v) => shQuote(toText(v)),
  b64encode: (v) => Buffer.from(toText(v)).toString("base64"),
  b64decode: (v) => Buffer.from(toText(v), "base64").toString("utf8"),
  dict2items: (v) => Object.entries(must(v) as object).map(([key, value]) => ({ key, value })),
};
FILTERS.d = FILTERS.default as Filter;
FILTERS.count = FILTERS.length as Filter;

function resultIs(v: unknown, key: string): boolean {
  const r = must(v) as Record<string, unknown> | null;
  return Boolean(r && typeof r === "object" && r[key]);
}

export const TESTS: Record<string, (value: unknown, ...args: unknown[]) => boolean> = {
  defined: (v) => !isUndefined(v),
  undefined: (v) => isUndefined(v),
  none: (v) => must(v) === null,
  string: (v) => typeof must(v) === "string",
  number: (v) => typeof must(v) === "number",
  mapping: (v) => {
    const x = must(v);
    return x !== null && typeof x === "object" && !Array.isArray(x);
  },
  sequence: (v) => Array.isArray(must(v)),
  truthy: (v) => truthy(must(v)),
  failed: (v) => resultIs(v, "failed"),
  changed: (v) => resultIs(v, "changed"),
  skipped: (v) => resultIs(v, "skipped"),
  succeeded: (v) => !resultIs(v, "failed"),
  success: (v) => !resultIs(v, "failed"),
};
