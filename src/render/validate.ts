/**
 * Context-free checks shared by the renderers: identifiers, ports, absolute paths. Each returns the value when it is
 * acceptable and throws a RenderError naming the field otherwise.
 */
import { RenderError } from "./errors.js";

export type Check = (value: string, field: string) => string;

export function matching(pattern: RegExp, what: string): Check {
  return (value, field) => {
    if (typeof value !== "string" || !pattern.test(value)) throw new RenderError(field, value, `is not ${what}`);
    return value;
  };
}

/** App, service, zone and volume keys: lowercase DNS-label style, so they fit every context unescaped. */
export const identifier = matching(/^[a-z][a-z0-9-]{0,62}$/, "a name (lowercase letters, digits and '-', 1-63 chars)");

/** `harvest-api` -> `harvest_api`: the form nginx variable and zone names allow. */
export function nginxIdent(name: string): string {
  return name.replaceAll("-", "_");
}

/** Absolute filesystem path without spaces, quotes, `$`, `%`, `;`, braces or `..` segments. */
export function absolutePath(value: string, field: string): string {
  matching(/^\/[A-Za-z0-9._@+/-]*$/, "an absolute path of letters, digits and ._@+-/")(value, field);
  if (value.split("/").some((segment) => segment === "..")) throw new RenderError(field, value, "contains '..'");
  return value;
}

export function port(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new RenderError(field, value, "is not a TCP port (1-65535)");
  }
  return value;
}

export function positiveInt(value: number, field: string, min = 1): number {
  if (!Number.isInteger(value) || value < min) throw new RenderError(field, value, `is not an integer >= ${min}`);
  return value;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const IPV6_BRACKETED = /^\[[0-9a-f:.]+\]$/i;

/** An address to connect to or bind: IPv4, `[IPv6]` or a host name. */
export function hostAddress(value: string, field: string): string {
  if (typeof value === "string" && (IPV4.test(value) || HOSTNAME.test(value) || IPV6_BRACKETED.test(value))) {
    return value;
  }
  throw new RenderError(field, value, "is not an IPv4 address, [IPv6] address or host name");
}

export function uniqueBy<T>(items: readonly T[], key: (item: T) => string, field: string): void {
  const seen = new Set<string>();
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) throw new RenderError(field, k, "appears twice");
    seen.add(k);
  }
}

/** True when the text has a C0 control character or DEL; newline and tab count only when `allowNewlineTab` is false. */
export function hasControlChar(text: string, allowNewlineTab = false): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (allowNewlineTab && (char === "\n" || char === "\t")) continue;
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Printable ASCII only (space to `~`). */
export function isPrintableAscii(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}
