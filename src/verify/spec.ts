import { SlipwayError } from "../errors.js";
import type { AnswerExpectation } from "./judge.js";

/** One route check: `PATH [STATUS] [BODY-SUBSTRING...]` in the verify action, `proxy.routes[].check` in a deploy. */
export interface RouteCheck extends AnswerExpectation {
  path: string;
}

/** Parses the `routes` input, one check per line; blank lines and `#` comments are ignored. */
export function parseRouteChecks(text: string): RouteCheck[] {
  const checks: RouteCheck[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const [path = "", status, ...body] = line.split(/\s+/);
    if (!path.startsWith("/")) {
      throw new SlipwayError(`routes line ${index + 1}: "${line}" must start with a path such as /api/health`, {
        step: "verify",
        hint: "write one check per line: PATH [STATUS] [BODY-SUBSTRING]",
      });
    }
    const code = status === undefined ? 200 : Number(status);
    if (!Number.isInteger(code) || code < 100 || code > 599) {
      throw new SlipwayError(`routes line ${index + 1}: "${status}" is not an HTTP status code`, {
        step: "verify",
        hint: "the second word of a check is the expected status, e.g. 200",
      });
    }
    checks.push({ path, status: code, ...(body.length > 0 ? { bodyContains: body.join(" ") } : {}) });
  });
  return checks;
}

/** Parses a newline-separated list (headers input); trims and drops blanks. */
export function parseList(text: string | undefined): string[] {
  return (text ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

/** Joins a base URL and a route path without doubling or dropping the slash between them. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, "") + (path.startsWith("/") ? path : `/${path}`);
}
