/** debug: prints a message or a variable; never touches the host. */
import { z } from "zod";
import type { Module } from "../engine/types.js";

const argsSchema = z.object({ msg: z.unknown().optional(), var: z.string().optional() }).strict();

export const debugModule: Module<typeof argsSchema> = {
  name: "debug",
  argsSchema,
  freeForm: "msg",
  async run(ctx, args) {
    const value = args.var !== undefined ? ctx.vars[args.var] : args.msg;
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return { status: "ok", msg: text, data: { value } };
  },
};
