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
import { precompiledTemplates } from "./precompiled-templates.js";

/** The compile options of every template; scripts/bundle.mjs precompiles templates/ with the same. */
export const TEMPLATE_OPTIONS = { strict: true, noEscape: true, knownHelpersOnly: true } as const;

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
    const precompiled = precompiledTemplates[name];
    template = precompiled
      ? env.template(precompiled)
      : env.compile(readFileSync(join(templatesDir(), name), "utf8"), { ...TEMPLATE_OPTIONS });
    cache.set(name, template);
  }
  try {
    return template(strictView(view));
  } catch (error) {
    throw new SlipwayError(`template ${name} failed: ${(error as Error).message}`, {
      step: "render",
      cause: error,
      hint: "this is a bug in Slipway's template or view; please report it with the config that triggered it",
    });
  }
}

/**
 * Handlebars' strict mode only covers `{{name}}`; `{{#if name}}` and `{{#each name}}` still read a missing key as
 * undefined. Wrapping the view makes every read of a key the view does not have throw, so a template typo fails the
 * render instead of silently dropping a block.
 */
export function strictView<T>(value: T, path = "view"): T {
  if (Array.isArray(value)) return value.map((item, i) => strictView(item, `${path}[${i}]`)) as T;
  if (value === null || typeof value !== "object") return value;
  const target = Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, strictView(v, `${path}.${k}`)]),
  );
  return new Proxy(target, {
    get(object, key, receiver) {
      if (typeof key === "string" && !(key in object)) {
        throw new Error(`the template reads ${path}.${key}, which the view does not define`);
      }
      return Reflect.get(object, key, receiver);
    },
  }) as T;
}
