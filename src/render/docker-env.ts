/**
 * The env file of `docker run --env-file` (runtime container): `NAME=value` lines taken literally by docker, with no
 * quoting, escapes or interpolation (quotes would become part of the value). A newline has no form: refused.
 */
import { RenderError } from "./errors.js";

export function renderDockerEnvFile(vars: Readonly<Record<string, string>>, field = "env file"): string {
  const lines = Object.entries(vars).map(([name, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RenderError(`${field} name`, name, "is not a variable name");
    if (typeof value !== "string" || /[\0\r\n]/.test(value)) {
      throw new RenderError(
        `${field}.${name}`,
        String(value).replaceAll(/[^\n]/g, "*"),
        "has a newline, which docker env files cannot hold",
        "put the value on one line (e.g. base64-encode it)",
      );
    }
    return `${name}=${value}`;
  });
  return `# Managed by Slipway (docker --env-file: values are literal).\n${lines.join("\n")}\n`;
}
