/** assert: fails with a clear message unless every condition holds (checks a playbook's inputs before it acts). */
import { z } from "zod";
import { evalCondition } from "../engine/expr/template.js";
import type { Module } from "../engine/types.js";
import { stringList } from "./support/schema.js";

const argsSchema = z.object({ that: stringList, msg: z.string().optional() }).strict();

export const assertModule: Module<typeof argsSchema> = {
  name: "assert",
  argsSchema,
  freeForm: "that",
  async run(ctx, args) {
    const failing = args.that.filter((condition) => !evalCondition(condition, ctx.vars));
    if (failing.length === 0) return { status: "ok" };
    return { status: "failed", msg: args.msg ?? `assertion failed: ${failing.join(" and ")}` };
  },
};
