/**
 * Checks for values that land in nginx configuration. nginx has no general escape for `$` (variables) and a bare
 * `;`, `{`, `}` or quote ends or opens a directive or block, so anything outside a narrow alphabet is refused rather
 * than escaped. Header values are the one free-text context: they are written inside double quotes, where `;` and
 * spaces are inert, and `"`, `\`, `$`, braces and control characters are refused.
 */
import { RenderError } from "./errors.js";
import { isPrintableAscii, matching } from "./validate.js";

const LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
const SERVER_NAME = new RegExp(`^(\\*\\.)?${LABEL}(\\.${LABEL})*$`);

/** A bracketed IPv6 address, as it appears in a Host header (`[2001:db8::1]`). */
const IPV6_HOST = /^\[[0-9a-f:.]{2,45}\]$/;

/** `example.com`, `api.example.com`, `*.example.com`, an address (`10.0.0.5`, `[2001:db8::1]`), or `_` (catch-all). */
export function serverName(value: string, field: string): string {
  if (value === "_" || (typeof value === "string" && value.length <= 253 && SERVER_NAME.test(value))) return value;
  if (typeof value === "string" && IPV6_HOST.test(value)) return value;
  throw new RenderError(field, value, "is not a server name (lowercase host name, *.host, an address or _)");
}

/** A location prefix or URI path: starts and ends with `/` (prefix matching needs the trailing slash). */
export function locationPath(value: string, field: string): string {
  matching(/^\/([A-Za-z0-9._~@+-]+\/)*$/, "a URI path like /api/ (letters, digits, ._~@+- segments, ending in /)")(
    value,
    field,
  );
  if (value.split("/").some((segment) => segment === "." || segment === "..")) {
    throw new RenderError(field, value, "contains a '.' or '..' segment");
  }
  return value;
}

/** X-Script-Name style mount point: `/harvest` (no trailing slash), or `/`. */
export function mountPoint(value: string, field: string): string {
  return matching(/^(\/|(\/[A-Za-z0-9._~@+-]+)+)$/, "a mount point like /harvest")(value, field);
}

export const headerName = matching(/^[A-Za-z0-9-]{1,64}$/, "an HTTP header name (letters, digits, '-')");

/** Returns the value wrapped in double quotes, ready to paste into a directive. */
export function quotedHeaderValue(value: string, field: string): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 4096) {
    throw new RenderError(field, value, "is not a header value (1-4096 characters)");
  }
  if (!isPrintableAscii(value)) {
    throw new RenderError(field, value, "contains a newline, control or non-ASCII character");
  }
  const bad = value.match(/["\\${}]/);
  if (bad) throw new RenderError(field, value, `contains ${JSON.stringify(bad[0])}, which nginx would interpret`);
  return `"${value}"`;
}

/** nginx size: 512, 10k, 100M, 1g. */
export const size = matching(/^[0-9]{1,9}[kKmMgG]?$/, "an nginx size like 10m or 100M");

/** nginx time: 30, 300s, 500ms, 1h, 30d. */
export const time = matching(/^[0-9]{1,9}(ms|s|m|h|d|w|M|y)?$/, "an nginx time like 300s or 30d");

export const expires = matching(
  /^(max|off|epoch|[0-9]{1,9}(ms|s|m|h|d|w|M|y)?)$/,
  "an expires value like 30d, max or off",
);

export const rate = matching(/^[0-9]{1,9}r\/[sm]$/, "a rate like 20r/s or 100r/m");

/** `https://app.example.com` or `http://localhost:3000`: scheme, host, optional port, nothing else. */
export const origin = matching(
  /^https?:\/\/[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:[0-9]{1,5})?$/,
  "an origin like https://app.example.com (scheme://host[:port], lowercase, no path)",
);

export const httpMethod = matching(/^[A-Z]{1,16}$/, "an HTTP method in capitals");

export const mimeType = matching(/^[a-z0-9][a-z0-9.+-]*\/[a-z0-9][a-z0-9.+*-]*$/, "a MIME type like text/css");

export const fileName = matching(/^[A-Za-z0-9._-]{1,255}$/, "a file name (letters, digits, ._-)");
