/**
 * Building blocks shared by every section of the schema. Each one carries its own "expected ..." message so that an
 * error reads `expected a duration like "30s", found 30` whatever the zod issue code was (wrong type or bad format).
 */
import { z } from "zod";

/** A string schema whose wrong-type and wrong-format errors both say `expected`. */
export function patternString(pattern: RegExp, expected: string) {
  return z.string({ error: expected }).regex(pattern, { error: expected });
}

/** Names used in unit names, compose projects, nginx upstreams and paths: lower-case, digits and dashes. */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
/** The most characters a name takes: a DNS label's (compose projects, hostnames derived from it). */
export const NAME_MAX = 63;

/** A NAME_PATTERN string; a name of the right characters but too long is told its length, not its characters. */
export function resourceName(what: string) {
  const article = /^[aeiou]/.test(what) ? "an" : "a";
  const expected = `expected ${article} ${what} name of lower-case letters, digits and dashes (like "web")`;
  return z
    .string({ error: expected })
    .regex(/^[a-z][a-z0-9-]*$/, { error: expected, abort: true })
    .max(NAME_MAX, {
      error: (issue) =>
        `expected ${article} ${what} name of at most ${NAME_MAX} characters, found ${String(issue.input).length} characters`,
    });
}

/** Inventory names for hosts and groups: Ansible allows underscores and dots too. */
export const INVENTORY_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
export function inventoryName(what: string) {
  return patternString(INVENTORY_NAME_PATTERN, `expected a ${what} name of letters, digits, "_", "." or "-"`);
}

/** An environment variable name: what a secret reference is. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const SECRET_NAME_PATTERN = /^[A-Z_][A-Z0-9_]*$/;
export const SECRET_NAME_EXPECTED =
  "expected the name of an environment variable holding the secret (like DB_PASSWORD), not the secret itself";
export function secretName() {
  return patternString(SECRET_NAME_PATTERN, SECRET_NAME_EXPECTED);
}
export function envName() {
  return patternString(ENV_NAME_PATTERN, "expected an environment variable name (letters, digits and _)");
}

export const DURATION_PATTERN = /^\d+(ms|s|m|h)$/;
/** Durations are strings with a unit, as nginx and systemd write them: "500ms", "30s", "5m", "1h". */
export function duration() {
  return patternString(DURATION_PATTERN, 'expected a duration like "30s", "500ms", "5m" or "1h"');
}

/**
 * A duration whose 0 would fail every deploy (`why`: what 0 does, said after "0 "): refused at the key. nginx arms its
 * proxy timers with the value as given, so `proxy_read_timeout 0` times out at once (504 on every route, D53).
 */
export function nonZeroDuration(why: string) {
  return duration().refine((value) => !(durationMs(value) === 0), {
    message: `expected a duration above 0: 0 ${why}`,
    abort: true,
  });
}

/**
 * A duration of at least `floor` (a DURATION_PATTERN string; `why`: what a shorter one costs or does): refused at the
 * key, so every such floor reads `expected <floor> or more: <why>`.
 */
export function minDuration(floor: string, why: string) {
  const floorMs = durationMs(floor);
  return duration().refine((value) => !(durationMs(value) < floorMs), {
    message: `expected ${floor} or more: ${why}`,
    abort: true,
  });
}

/** A duration (DURATION_PATTERN) in milliseconds; NaN for anything else (its own check reports it). */
export function durationMs(value: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(value);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match?.[2] ?? ""];
  return match && unit ? Number(match[1]) * unit : Number.NaN;
}

/**
 * A health path: polled with curl and the container healthcheck (a query goes along), and kept open by nginx during
 * maintenance as an exact URI (without the query: nginx matches `$uri`, which has none). The path part takes what
 * that quoted map key takes as it is: no `$`, no `%`-escape (`$uri` is decoded), no quotes, spaces or braces.
 */
export const HEALTH_PATH_PATTERN = /^\/[A-Za-z0-9._~!&'()*+,=:@/-]*(\?[A-Za-z0-9._~!$&'()*+,=:@%/?-]*)?$/;
export function healthPath() {
  return patternString(
    HEALTH_PATH_PATTERN,
    'expected a path starting with "/" of letters, digits and ._~!&\'()*+,=:@/- (a query like "?full=1" may follow)',
  );
}
/** A path with an optional query, as requested by a check ("/api/items?limit=1"); it lands only in curl's argv. */
export const REQUEST_PATH_PATTERN = /^\/[A-Za-z0-9._~!$&'()*+,=:@%/?-]*$/;
export function requestPath() {
  return patternString(REQUEST_PATH_PATTERN, 'expected a path starting with "/" (a query like "?limit=1" may follow)');
}

/**
 * A path that is a prefix location: starts and ends with "/", segments of the characters an nginx location takes
 * unquoted (no `,`, `$`, quotes or `%`-escapes), and no `.` or `..` segment (nginx normalizes those away).
 */
export const PREFIX_PATH_PATTERN = /^(?!.*\/\.\.?\/)\/([A-Za-z0-9._~@+-]+\/)*$/;
export function prefixPath() {
  return patternString(
    PREFIX_PATH_PATTERN,
    'expected a path starting and ending with "/" (like "/harvest/"), of letters, digits and ._~@+-',
  );
}

/**
 * An absolute file system path on the host. It lands in unit files (ReadWritePaths= is a space-separated list,
 * WorkingDirectory= takes no quotes), nginx directives and shell argv, so no whitespace, quotes or control characters.
 */
export const ABSOLUTE_PATH_PATTERN = /^\/[^\0\s;{}"'`$\\]*$/;
export function absolutePath() {
  return patternString(ABSOLUTE_PATH_PATTERN, 'expected an absolute path starting with "/" (no spaces or quotes)');
}

/** A local path, relative to the directory of slipway.yml (or absolute). */
export const LOCAL_PATH_PATTERN = /^[^\0\n\r]+$/;
export function localPath() {
  return patternString(LOCAL_PATH_PATTERN, "expected a path (relative to the config file's directory)");
}

/** Sizes as nginx, systemd and docker all accept them: a whole number and k, m or g ("512M", "2G", "100m"). */
export const SIZE_PATTERN = /^\d+[kKmMgG]?$/;
export function size() {
  return patternString(
    SIZE_PATTERN,
    'expected a whole size like "512M", "2G" or "100m" (no decimals: "1536M", not "1.5G")',
  );
}

export function port() {
  return z
    .number({ error: "expected a port number (1-65535)" })
    .int({ error: "expected a port number (1-65535)" })
    .min(1, { error: "expected a port number (1-65535)" })
    .max(65535, { error: "expected a port number (1-65535)" });
}

export function positiveInt(what = "a whole number >= 1") {
  return z
    .number({ error: `expected ${what}` })
    .int({ error: `expected ${what}` })
    .min(1, { error: `expected ${what}` });
}

export function nonNegativeInt(what = "a whole number >= 0") {
  return z
    .number({ error: `expected ${what}` })
    .int({ error: `expected ${what}` })
    .min(0, { error: `expected ${what}` });
}

const STATUS = "expected an HTTP status code (100-599)";
/** An HTTP status code a check expects (health, route checks). */
export function httpStatus() {
  return z.number({ error: STATUS }).int({ error: STATUS }).min(100, { error: STATUS }).max(599, { error: STATUS });
}

export function bool() {
  return z.boolean({ error: "expected true or false" });
}

/**
 * A DNS name as nginx server_name takes it: labels, optional leading "*." wildcard. Lower case only: ACME servers
 * refuse upper-case names in orders, and certbot's live directory is named after the name as written.
 */
export const DOMAIN_PATTERN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export function domain() {
  return patternString(DOMAIN_PATTERN, 'expected a lower-case domain name like "example.com" or "*.example.com"');
}

/** Host address: an IPv4/IPv6 address or a DNS name. */
export const ADDRESS_PATTERN = /^([A-Za-z0-9.-]+|\[?[0-9A-Fa-f:]+\]?)$/;
export function address() {
  return patternString(ADDRESS_PATTERN, 'expected an IP address or host name like "10.213.0.11"');
}

/** An http(s) origin for CORS: scheme://host[:port], no path; or "*". */
export const ORIGIN_PATTERN = /^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/;
export function origin() {
  return patternString(ORIGIN_PATTERN, 'expected an origin like "https://example.github.io" (no path) or "*"');
}

export function httpUrl() {
  return patternString(
    /^https?:\/\/[^\s"'`;{}]+$/,
    'expected an http(s) URL like "https://acme-v02.api.letsencrypt.org/directory"',
  );
}

/**
 * Header values in nginx add_header, written in double quotes: 1-4096 printable ASCII characters without what nginx
 * interprets there (`"`, `\\`, `$` and braces), as render/nginx-values.ts quotedHeaderValue requires.
 */
export const HEADER_VALUE_PATTERN = /^[\x20\x21\x23\x25-\x5b\x5d-\x7a\x7c\x7e]{1,4096}$/;
export function headerValue() {
  return patternString(
    HEADER_VALUE_PATTERN,
    'expected a header value of printable characters without double quotes, backslashes, "$", "{" or "}"',
  );
}

/** Values of env vars written into env files: strings; numbers and booleans are accepted and kept as written. */
export function envValue() {
  return z.union([z.string(), z.number(), z.boolean()], { error: "expected a string, number or true/false" });
}
