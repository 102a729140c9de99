/**
 * `{{ expression }}` templating for task args and `when:` conditions. A string that is exactly one `{{ }}` keeps the
 * expression's native type (a list stays a list), as in Ansible; anything else renders to text.
 */
import type { Expr } from "./ast.js";
import { evaluate, type Scope } from "./evaluate.js";
import { truthy } from "./filters.js";
import { parseExpression } from "./parse.js";
import { must } from "./undefined.js";

const cache = new Map<string, Expr>();

function compiled(source: string): Expr {
  let expr = cache.get(source);
  if (!expr) {
    expr = parseExpression(source);
    cache.set(source, expr);
  }
  return expr;
}

const WHOLE = /^\{\{((?:(?!\}\}).)*)\}\}$/s;
const PART = /\{\{((?:(?!\}\}).)*)\}\}/gs;

export function hasTemplate(value: string): boolean {
  return value.includes("{{");
}

export function renderString(text: string, scope: Scope): unknown {
  if (!hasTemplate(text)) return text;
  const whole = WHOLE.exec(text.trim());
  if (whole) return must(evaluate(compiled((whole[1] as string).trim()), scope));
  return text.replace(PART, (_m, src: string) => {
    const value = must(evaluate(compiled(src.trim()), scope));
    if (value === null || value === undefined) return "";
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  });
}

/** Renders every string inside a value (objects and arrays are walked, other values kept). */
export function renderDeep(value: unknown, scope: Scope): unknown {
  if (typeof value === "string") return renderString(value, scope);
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, scope));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, scope)]));
  }
  return value;
}

/** A `when:`/`changed_when:` condition: a bare expression (braces optional), or a boolean. */
export function evalCondition(condition: string | boolean, scope: Scope): boolean {
  if (typeof condition === "boolean") return condition;
  const trimmed = condition.trim();
  const whole = WHOLE.exec(trimmed);
  const source = whole ? (whole[1] as string).trim() : trimmed;
  return truthy(must(evaluate(compiled(source), scope)));
}

/** Throws the parse error for a bad expression without evaluating it (used by playbook validation). */
export function checkSyntax(text: string, bare: boolean): void {
  if (bare) {
    const whole = WHOLE.exec(text.trim());
    compiled(whole ? (whole[1] as string).trim() : text.trim());
    return;
  }
  for (const m of text.matchAll(PART)) compiled((m[1] as string).trim());
}
