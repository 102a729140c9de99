// templates/ precompiled by handlebars, as the source of the module that replaces src/render/precompiled-templates.ts
// in the bundles (scripts/bundle.mjs). TEMPLATE_OPTIONS must equal render/handlebars.ts's (a unit test compares them,
// and renders every template both ways).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import Handlebars from "handlebars";

export const TEMPLATE_OPTIONS = { strict: true, noEscape: true, knownHelpersOnly: true };

function templateFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? templateFiles(join(dir, entry.name)) : [join(dir, entry.name)]))
    .filter((file) => file.endsWith(".hbs"))
    .sort();
}

/** `export const precompiledTemplates = { "nginx/site.conf.hbs": <spec>, ... };` for every .hbs under `dir`. */
export function precompiledTemplatesModule(dir) {
  const entries = templateFiles(dir).map((file) => {
    const name = relative(dir, file).split(sep).join("/");
    return `  ${JSON.stringify(name)}: ${Handlebars.precompile(readFileSync(file, "utf8"), { ...TEMPLATE_OPTIONS })},`;
  });
  return `export const precompiledTemplates = {\n${entries.join("\n")}\n};\n`;
}
