/**
 * Escaping for systemd unit files (systemd.syntax(7), systemd.service(7)). `%` starts a specifier everywhere and is
 * written `%%`; in ExecStart `$` starts a variable and is written `$$`; words with spaces, quotes or backslashes are
 * double-quoted with C-style escapes. Values that cannot be made inert (control characters in a command, a newline
 * in a one-line setting) are refused.
 */
import { RenderError } from "./errors.js";
import { absolutePath, hasControlChar, isPrintableAscii, matching } from "./validate.js";

/** `Environment="NAME=value"`: specifiers doubled, `\` and `"` escaped, newline and tab as C escapes. */
export function environmentAssignment(name: string, value: string, field: string): string {
  matching(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name")(name, `${field} name`);
  if (typeof value !== "string" || hasControlChar(value, true)) {
    throw new RenderError(field, value, "contains a control character systemd cannot carry");
  }
  const escaped = `${name}=${value}`
    .replaceAll("%", "%%")
    .replaceAll("\\", "\\\\")
    .replaceAll('"', '\\"')
    .replaceAll("\n", "\\n")
    .replaceAll("\t", "\\t");
  return `"${escaped}"`;
}

/**
 * TimeoutStopSec= for a stop timeout of `seconds` (whole, >= 0). systemd reads 0 as no timeout at all (a stop then
 * waits for ever for the process to exit), the opposite of what `stop_timeout: 0s` means under the other runtimes
 * (`docker stop --time 0`, `compose stop --timeout 0`: SIGKILL right after SIGTERM), so 0 is written as the smallest
 * span systemd takes that is not 0 in its millisecond notation: `1ms`.
 */
export function timeoutStopSec(seconds: number): string {
  return seconds === 0 ? "1ms" : String(seconds);
}

/** One ExecStart word. The result is exactly one argument with the given bytes when systemd parses the line. */
export function execArg(value: string, field: string): string {
  if (typeof value !== "string" || hasControlChar(value)) {
    throw new RenderError(field, value, "contains a newline or control character");
  }
  const specifiersInert = value.replaceAll("%", "%%").replaceAll("$", "$$$$");
  if (value !== "" && /^[A-Za-z0-9_@+=:,./-]+$/.test(value)) return specifiersInert;
  return `"${specifiersInert.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** Description= and similar one-line free text: printable, `%` doubled, no backslash (line continuation). */
export function freeText(value: string, field: string): string {
  if (
    typeof value !== "string" ||
    !isPrintableAscii(value) ||
    value.length === 0 ||
    value.length > 200 ||
    value.includes("\\")
  ) {
    throw new RenderError(field, value, "is not one line of printable ASCII without backslashes (max 200)");
  }
  return value.replaceAll("%", "%%");
}

export const unixName = matching(/^[a-z_][a-z0-9_-]{0,31}$/, "a user or group name");

export const unitName = matching(
  /^[A-Za-z0-9_.@:%-]+\.(service|target|socket|mount|timer|path)$/,
  "a unit name like postgresql.service (with %i allowed)",
);

export const memory = matching(/^([0-9]{1,9}[KMGT]?|[0-9]{1,2}%|infinity)$/, "a memory size like 2G, 512M or 50%");

export const cpuQuota = matching(/^[0-9]{1,5}%$/, "a CPU quota like 200%");

export function systemdPath(value: string, field: string): string {
  return absolutePath(value, field);
}
