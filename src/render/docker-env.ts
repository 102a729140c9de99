/**
 * The env file of `docker run --env-file` (runtime container): `NAME=value` lines taken literally by docker, with no
 * quoting, escapes or interpolation (quotes would become part of the value). A newline has no form: refused. docker
 * reads the file with a line scanner of at most 64 KiB a line (`bufio.Scanner: token too long` at `start`, D59): a
 * longer line is refused here, so validate says it at the key.
 */
import { RenderError } from "./errors.js";

/** bufio.MaxScanTokenSize: the longest line docker's --env-file reader takes, in bytes, newline excluded. */
export const DOCKER_ENV_LINE_MAX = 65_535;

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
    const line = `${name}=${value}`;
    const bytes = Buffer.byteLength(line);
    if (bytes > DOCKER_ENV_LINE_MAX) {
      throw new RenderError(
        `${field}.${name}`,
        `${bytes} bytes`,
        `is too long: docker env files hold at most ${DOCKER_ENV_LINE_MAX} bytes a line`,
        "put the value in a file (services.*.files) and give its path in the env",
      );
    }
    return line;
  });
  return `# Managed by Slipway (docker --env-file: values are literal).\n${lines.join("\n")}\n`;
}
