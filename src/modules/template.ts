/**
 * template: renders a template and installs the result like copy (validate: "cmd %s" checks the file alone;
 * validate_in_place + reload check it inside the live configuration and put the previous file back on failure).
 * `.hbs` files render with Handlebars (strict: a missing variable is an error); other files use the playbook's own
 * `{{ expression | filter }}` syntax.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import Handlebars from "handlebars";
import { z } from "zod";
import { renderString } from "../engine/expr/template.js";
import { extendScope } from "../engine/scope.js";
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
    vars: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .refine(oneContentSource, oneContentSourceMessage)
  .refine((a) => !inPlaceConflict(a), inPlaceConflictMessage);

const handlebars = Handlebars.create();

/** Pure: renders template text against a scope. */
export function renderTemplateText(text: string, scope: Record<string, unknown>, handlebarsSyntax: boolean): string {
  if (handlebarsSyntax) return handlebars.compile(text, { strict: true, noEscape: true })(scope);
  const rendered = renderString(text, scope);
  return typeof rendered === "string" ? rendered : JSON.stringify(rendered);
}

export const templateModule: Module<typeof argsSchema> = {
  name: "template",
  argsSchema,
  async run(ctx, args) {
    const text = args.content ?? (await readFile(resolve(ctx.baseDir, args.src as string), "utf8"));
    // On top of the task's scope, lazily: a variable the template does not use is never rendered.
    const scope = extendScope(ctx.vars as Record<string, unknown>, args.vars);
    const content = renderTemplateText(text, scope, (args.src ?? "").endsWith(".hbs"));
    return installContent(ctx, { ...args, content });
  },
};
