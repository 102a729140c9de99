/**
 * Recursive-descent parser for expressions. Precedence, lowest first:
 * `x if c else y`, or, and, not, comparisons/in/is, ~, + -, * / %, unary -, filters (`|`), attribute/index access.
 */
import type { Expr } from "./ast.js";
import { ExprSyntaxError, type Token, tokenize } from "./tokens.js";

const CONSTANTS: Record<string, unknown> = {
  true: true,
  True: true,
  false: false,
  False: false,
  none: null,
  None: null,
  null: null,
};

export function parseExpression(src: string): Expr {
  const p = new Parser(tokenize(src));
  const expr = p.conditional();
  p.expectEnd();
  return expr;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }
  private next(): Token {
    return this.tokens[this.i++] as Token;
  }
  private isOp(value: string): boolean {
    const t = this.peek();
    return t.kind === "op" && t.value === value;
  }
  private isName(value: string, offset = 0): boolean {
    const t = this.tokens[this.i + offset];
    return t?.kind === "name" && t.value === value;
  }
  private expectOp(value: string): void {
    const t = this.next();
    if (t.kind !== "op" || t.value !== value) throw new ExprSyntaxError(`expected "${value}"`, t.at);
  }
  expectEnd(): void {
    const t = this.peek();
    if (t.kind !== "end") throw new ExprSyntaxError(`unexpected "${"value" in t ? t.value : ""}"`, t.at);
  }

  conditional(): Expr {
    const value = this.or();
    if (this.isName("if")) {
      this.next();
      const test = this.or();
      let otherwise: Expr | undefined;
      if (this.isName("else")) {
        this.next();
        otherwise = this.conditional();
      }
      return { type: "cond", test, yes: value, no: otherwise };
    }
    return value;
  }

  private or(): Expr {
    let left = this.and();
    while (this.isName("or")) {
      this.next();
      left = { type: "binary", op: "or", left, right: this.and() };
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.isName("and")) {
      this.next();
      left = { type: "binary", op: "and", left, right: this.not() };
    }
    return left;
  }

  private not(): Expr {
    if (this.isName("not")) {
      this.next();
      return { type: "unary", op: "not", arg: this.not() };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    let left = this.concat();
    for (;;) {
      const t = this.peek();
      if (t.kind === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(t.value)) {
        this.next();
        left = { type: "binary", op: t.value, left, right: this.concat() };
      } else if (this.isName("in")) {
        this.next();
        left = { type: "binary", op: "in", left, right: this.concat() };
      } else if (this.isName("not") && this.isName("in", 1)) {
        this.next();
        this.next();
        left = { type: "unary", op: "not", arg: { type: "binary", op: "in", left, right: this.concat() } };
      } else if (this.isName("is")) {
        this.next();
        let negate = false;
        if (this.isName("not")) {
          this.next();
          negate = true;
        }
        const name = this.next();
        if (name.kind !== "name") throw new ExprSyntaxError("expected a test name after 'is'", name.at);
        left = { type: "test", name: name.value, negate, arg: left, args: this.optionalArgs() };
      } else {
        return left;
      }
    }
  }

  /** `~` (string concatenation) binds looser than + and -, as in Jinja. */
  private concat(): Expr {
    let left = this.additive();
    while (this.isOp("~")) {
      this.next();
      left = { type: "binary", op: "~", left, right: this.additive() };
    }
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.isOp("+") || this.isOp("-")) {
      const op = (this.next() as { value: string }).value;
      left = { type: "binary", op, left, right: this.multiplicative() };
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    while (this.isOp("*") || this.isOp("/") || this.isOp("%")) {
      const op = (this.next() as { value: string }).value;
      left = { type: "binary", op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isOp("-")) {
      this.next();
      return { type: "unary", op: "-", arg: this.unary() };
    }
    return this.filtered();
  }

  private filtered(): Expr {
    let value = this.postfix();
    while (this.isOp("|")) {
      this.next();
      const name = this.next();
      if (name.kind !== "name") throw new ExprSyntaxError("expected a filter name after '|'", name.at);
      value = { type: "filter", name: name.value, arg: value, args: this.optionalArgs() };
    }
    return value;
  }

  private optionalArgs(): Expr[] {
    if (!this.isOp("(")) return [];
    this.next();
    const args: Expr[] = [];
    while (!this.isOp(")")) {
      args.push(this.conditional());
      if (!this.isOp(")")) this.expectOp(",");
    }
    this.next();
    return args;
  }

  private postfix(): Expr {
    let value = this.primary();
    for (;;) {
      if (this.isOp(".")) {
        this.next();
        const key = this.next();
        if (key.kind !== "name" && key.kind !== "num") throw new ExprSyntaxError("expected a name after '.'", key.at);
        value = { type: "attr", object: value, key: { type: "lit", value: key.value } };
      } else if (this.isOp("[")) {
        this.next();
        const key = this.conditional();
        this.expectOp("]");
        value = { type: "attr", object: value, key };
      } else {
        return value;
      }
    }
  }

  private primary(): Expr {
    const t = this.next();
    if (t.kind === "num" || t.kind === "str") return { type: "lit", value: t.value };
    if (t.kind === "name") {
      if (t.value in CONSTANTS) return { type: "lit", value: CONSTANTS[t.value] };
      return { type: "var", name: t.value };
    }
    if (t.kind === "op" && t.value === "(") {
      const inner = this.conditional();
      this.expectOp(")");
      return inner;
    }
    if (t.kind === "op" && t.value === "[") {
      const items: Expr[] = [];
      while (!this.isOp("]")) {
        items.push(this.conditional());
        if (!this.isOp("]")) this.expectOp(",");
      }
      this.next();
      return { type: "list", items };
    }
    throw new ExprSyntaxError(t.kind === "end" ? "unexpected end of expression" : `unexpected "${t.value}"`, t.at);
  }
}
