/**
 * The env file of `docker run --env-file` (runtime container): `NAME=value` lines taken literally by docker, with no
 * quoting, escapes or interpolation (quotes would become part of the value). A newline has no form: refused. docker
 * reads the file with Go's bufio.Scanner, whose lines hold at most 64 KiB: a longer `NAME=value` line fails
 * `docker run` with `bufio.Scanner: token too long`, so it is refused here (validate reports it at the key).
 */
import { RenderError } from "./errors.js";

/** The longest `NAME=value` line docker's env-file reader takes, in bytes (bufio.MaxScanTokenSize less the newline). */
export const DOCKER_ENV_LINE_MAX = 64 * 1024 - 1;

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
    const bytes = Buffer.byteLength(line, "utf8");
    if (bytes > DOCKER_ENV_LINE_MAX) {
      throw new RenderError(
        `${field}.${name}`,
        `${bytes} bytes`,
        `is too long: docker's env file holds at most ${DOCKER_ENV_LINE_MAX} bytes a line (NAME=value) and docker run ` +
          `would fail with "bufio.Scanner: token too long"; put the value in a file (services.*.files) and pass its path`,
      );
    }
    return line;
  });
  return `# Managed by Slipway (docker --env-file: values are literal).\n${lines.join("\n")}\n`;
}
