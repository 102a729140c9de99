/**
 * The one handlebars environment for templates/. Strict mode: a variable the view does not define is an error, not
 * an empty string (a typo must not silently drop a directive). No HTML escaping: the views hold values already
 * validated or escaped for their target syntax (nginx, systemd), which HTML escaping would corrupt.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import { SlipwayError } from "../errors.js";

const env = Handlebars.create();
const cache = new Map<string, Handlebars.TemplateDelegate>();

/** templates/ is found by walking up from this file, so it works from src/, build/ and a bundle beside templates/. */
export function templatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "templates", "nginx"))) return join(dir, "templates");
    dir = dirname(dir);
  }
  throw new SlipwayError("the templates/ directory was not found next to Slipway's code", {
    step: "render",
    hint: "reinstall Slipway; templates/ ships with it",
  });
}

export function renderTemplate(name: string, view: object): string {
  let template = cache.get(name);
  if (!template) {
    const source = readFileSync(join(templatesDir(), name), "utf8");
    template = env.compile(source, { strict: true, noEscape: true, knownHelpersOnly: true });
    cache.set(name, template);
  }
  try {
    return template(view);
  } catch (error) {
    throw new SlipwayError(`template ${name} failed: ${(error as Error).message}`, {
      step: "render",
      cause: error,
      hint: "this is a bug in Slipway's template or view; please report it with the config that triggered it",
    });
  }
}
