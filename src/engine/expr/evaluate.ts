/** Walks an expression tree against a scope of variables. Pure: no I/O, no access to JavaScript globals. */
import type { Expr } from "./ast.js";
import { FILTERS, TESTS, toText, truthy } from "./filters.js";
import { isUndefined, must, Undefined } from "./undefined.js";

export type Scope = Readonly<Record<string, unknown>>;

export class UnknownFunctionError extends Error {}

export function evaluate(expr: Expr, scope: Scope): unknown {
  switch (expr.type) {
    case "lit":
      return expr.value;
    case "var":
      return Object.hasOwn(scope, expr.name) ? scope[expr.name] : new Undefined(expr.name);
    case "attr":
      return lookup(evaluate(expr.object, scope), must(evaluate(expr.key, scope)), describe(expr));
    case "list":
      return expr.items.map((item) => must(evaluate(item, scope)));
    case "unary":
      if (expr.op === "not") return !truthy(must(evaluate(expr.arg, scope)));
      return -Number(must(evaluate(expr.arg, scope)));
    case "binary":
      return binary(expr.op, expr.left, expr.right, scope);
    case "cond":
      if (truthy(must(evaluate(expr.test, scope)))) return evaluate(expr.yes, scope);
      return expr.no ? evaluate(expr.no, scope) : "";
    case "filter": {
      const filter = FILTERS[expr.name];
      if (!filter) throw new UnknownFunctionError(`unknown filter "${expr.name}"`);
      return filter(evaluate(expr.arg, scope), ...expr.args.map((a) => must(evaluate(a, scope))));
    }
    case "test": {
      const test = TESTS[expr.name];
      if (!test) throw new UnknownFunctionError(`unknown test "${expr.name}"`);
      const result = test(evaluate(expr.arg, scope), ...expr.args.map((a) => must(evaluate(a, scope))));
      return expr.negate ? !result : result;
    }
  }
}

function describe(expr: Expr): string {
  if (expr.type === "var") return expr.name;
  if (expr.type === "attr") {
    const key = expr.key.type === "lit" ? String(expr.key.value) : "[...]";
    return `${describe(expr.object)}.${key}`;
  }
  return "(expression)";
}

function lookup(object: unknown, key: unknown, path: string): unknown {
  if (isUndefined(object)) return new Undefined(path);
  if (object === null || object === undefined) return new Undefined(path);
  if (Array.isArray(object) && typeof key === "number") {
    const index = key < 0 ? object.length + key : key;
    return index in object ? object[index] : new Undefined(path);
  }
  if (typeof object === "object" && Object.hasOwn(object, String(key))) {
    return (object as Record<string, unknown>)[String(key)];
  }
  if (typeof object === "string" && typeof key === "number") return object[key] ?? new Undefined(path);
  return new Undefined(path);
}

function binary(op: string, leftExpr: Expr, rightExpr: Expr, scope: Scope): unknown {
  if (op === "and") {
    const left = must(evaluate(leftExpr, scope));
    return truthy(left) ? must(evaluate(rightExpr, scope)) : left;
  }
  if (op === "or") {
    const left = must(evaluate(leftExpr, scope));
    return truthy(left) ? left : must(evaluate(rightExpr, scope));
  }
  const left = must(evaluate(leftExpr, scope));
  const right = must(evaluate(rightExpr, scope));
  switch (op) {
    case "==":
      return deepEqual(left, right);
    case "!=":
      return !deepEqual(left, right);
    case "<":
      return (left as number) < (right as number);
    case "<=":
      return (left as number) <= (right as number);
    case ">":
      return (left as number) > (right as number);
    case ">=":
      return (left as number) >= (right as number);
    case "in":
      if (typeof right === "string") return right.includes(toText(left));
      if (Array.isArray(right)) return right.some((x) => deepEqual(x, left));
      if (right && typeof right === "object") return Object.hasOwn(right, toText(left));
      return false;
    case "~":
      return toText(left) + toText(right);
    case "+":
      if (Array.isArray(left) && Array.isArray(right)) return [...left, ...right];
      if (typeof left === "number" && typeof right === "number") return left + right;
      return toText(left) + toText(right);
    case "-":
      return Number(left) - Number(right);
    case "*":
      return Number(left) * Number(right);
    case "/":
      return Number(left) / Number(right);
    case "%":
      return Number(left) % Number(right);
  }
  throw new UnknownFunctionError(`unknown operator "${op}"`);
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
