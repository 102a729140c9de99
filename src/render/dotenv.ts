/**
 * The env file compose reads through `env_file:` (dotenv syntax), one writer per reader:
 *
 * - compose v1 (docker-compose 1.29, python-dotenv 0.21, what Debian 12 ships): a single-quoted value decodes `\\`
 *   and `\'`, and `${NAME}` is interpolated even inside single quotes; `$NAME` without braces is literal. A backslash
 *   before the closing quote makes the line unparsable (the rest of the file is dropped). So every `\` is written as
 *   `${:-\}` and every `${` as `${:-$}{` (an empty name is never set, so the default is what arrives), `'` as `\'`.
 *   Newlines are kept inside the quotes.
 * - compose v2 (compose-go; docs.docker.com/compose/env-file): single-quoted values are used literally, `\'` is a
 *   quote. A backslash right before a quote or at the end, and newlines, have no documented form: refused.
 * - "any": the form both read the same way (single quotes, `\'`), refusing what needs a flavour-specific form.
 *
 * Unquoted values are never written: ` #` would start a comment and a leading quote would be taken as quoting.
 * (systemd's EnvironmentFile has its own writer, renderEnvironmentFile in systemd.ts.)
 */
import { RenderError } from "./errors.js";

export type DotenvFlavour = "v1" | "v2" | "any";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `NAME='value'` lines for compose's env_file; throws RenderError naming the variable when a value has no form. */
export function renderComposeEnvFile(
  vars: Readonly<Record<string, string>>,
  flavour: DotenvFlavour,
  field = "env_file",
): string {
  const lines = Object.entries(vars).map(([name, value]) => {
    if (!NAME.test(name)) throw new RenderError(`${field} name`, name, "is not a variable name");
    return `${name}='${dotenvValue(value, flavour, `${field}.${name}`)}'`;
  });
  return `# Managed by Slipway.\n${lines.join("\n")}\n`;
}

/** The text between the single quotes for one value. */
export function dotenvValue(value: string, flavour: DotenvFlavour, field: string): string {
  if (typeof value !== "string" || /[\0\r]/.test(value)) {
    throw new RenderError(field, value, "contains a NUL or carriage return, which env files cannot carry");
  }
  if (flavour === "v1") {
    return value.replaceAll(/\\|\$\{|'/g, (match) => V1_ESCAPES[match] ?? match);
  }
  const why = unportable(value, flavour);
  if (why) {
    throw new RenderError(
      field,
      value.replaceAll(/[^\n]/g, "*"),
      `${why}; compose ${flavour === "v2" ? "v2" : "v1 and v2"} would read it differently`,
      "change the value (for a secret: rotate it), or deploy to hosts with one compose flavour",
    );
  }
  return value.replaceAll("'", "\\'");
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: dotenv's ${...} syntax, written on purpose
const V1_ESCAPES: Record<string, string> = { "\\": "${:-\\}", "${": "${:-$}{", "'": "\\'" };

function unportable(value: string, flavour: "v2" | "any"): string | null {
  if (value.includes("\n")) return "has a newline";
  if (/\\('|$)/.test(value)) return "has a backslash before a quote or at the end";
  if (flavour === "any" && value.includes("\\\\")) return "has a double backslash";
  if (flavour === "any" && value.includes("${")) return "has ${ (compose v1 interpolates it, v2 does not)";
  return null;
}
