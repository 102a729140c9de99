/** Syntax tree of an expression; parse.ts builds it, evaluate.ts walks it. */
export type Expr =
  | { type: "lit"; value: unknown }
  | { type: "var"; name: string }
  | { type: "attr"; object: Expr; key: Expr }
  | { type: "list"; items: Expr[] }
  | { type: "unary"; op: "not" | "-"; arg: Expr }
  | { type: "binary"; op: string; left: Expr; right: Expr }
  | { type: "filter"; name: string; arg: Expr; args: Expr[] }
  | { type: "test"; name: string; negate: boolean; arg: Expr; args: Expr[] }
  | { type: "cond"; test: Expr; yes: Expr; no?: Expr };
