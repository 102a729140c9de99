/**
 * copy: puts given content (or a local file) at dest, only when it differs; validate, backup, atomic install, or
 * validate_in_place + reload like template.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { z } from "zod";
import type { Module } from "../engine/types.js";
import { inPlaceArgs, inPlaceConflict, inPlaceConflictMessage, installContent } from "./support/install.js";
import { modeSchema } from "./support/schema.js";

const argsSchema = z
  .object({
    dest: z.string().startsWith("/", "expected an absolute path"),
    content: z.string().optional(),
    src: z.string().optional(),
    mode: modeSchema.optional(),
    owner: z.string().optional(),
    group: z.string().optional(),
    backup: z.boolean().default(false),
    validate: z.string().optional(),
    ...inPlaceArgs,
  })
  .strict()
  .refine((a) => (a.content === undefined) !== (a.src === undefined), "give exactly one of content or src")
  .refine((a) => !inPlaceConflict(a), inPlaceConflictMessage);

export const copyModule: Module<typeof argsSchema> = {
  name: "copy",
  argsSchema,
  async run(ctx, args) {
    const content = args.content ?? (await readFile(resolve(ctx.baseDir, args.src as string), "utf8"));
    return installContent(ctx, { ...args, content });
  },
};
