/**
 * copy: puts given content (or a local file) at dest, only when it differs; validate, backup, atomic install, or
 * validate_in_place + reload like template.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { z } from "zod";
import type { Module } from "../engine/types.js";
import {
  fileInstallArgs,
  inPlaceConflict,
  inPlaceConflictMessage,
  installContent,
  oneContentSource,
  oneContentSourceMessage,
} from "./support/install.js";

const argsSchema = z
  .object({
    ...fileInstallArgs,
  })
  .strict()
  .refine(oneContentSource, oneContentSourceMessage)
  .refine((a) => !inPlaceConflict(a), inPlaceConflictMessage);

export const copyModule: Module<typeof argsSchema> = {
  name: "copy",
  argsSchema,
  async run(ctx, args) {
    const content = args.content ?? (await readFile(resolve(ctx.baseDir, args.src as string), "utf8"));
    return installContent(ctx, { ...args, content });
  },
};
