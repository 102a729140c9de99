/**
 * Secrets are referenced by name, never written in slipway.yml. Unknown keys such as `password:` are caught by the
 * issue formatter; this pass catches the places where any key is allowed: a service's `env` and `build.args`
 * (`DB_PASSWORD: hunter2`).
 */
import { type ConfigIssue, locate } from "./issues.js";
import { isMapping } from "./overlay.js";
import { SECRET_LIKE_NAME } from "./schema/services.js";
import type { PathSegment, PositionMap } from "./yaml-positions.js";

/** `postgres://user:hunter2@db/x`: credentials in a URL's user-info part (RFC 3986 3.2.1), whatever the key's name. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@:\s]*:[^/?#@\s]+@/i;

export function literalSecretIssues(config: unknown, file: string, positions: PositionMap): ConfigIssue[] {
  if (!isMapping(config) || !isMapping(config.services)) return [];
  const issues: ConfigIssue[] = [];
  for (const [name, service] of Object.entries(config.services)) {
    if (!isMapping(service)) continue;
    const places: [PathSegment[], unknown, string][] = [
      [["services", name, "env"], service.env, `list \`KEY\` under \`services.${name}.secrets\``],
      [
        ["services", name, "build", "args"],
        isMapping(service.build) ? service.build.args : undefined,
        `pass it as a build secret in \`services.${name}.build.secrets\``,
      ],
    ];
    for (const [path, entries, instead] of places) {
      if (!isMapping(entries)) continue;
      for (const [key, value] of Object.entries(entries)) {
        if (value === null || value === "" || typeof value === "object") continue;
        const what = SECRET_LIKE_NAME.test(key)
          ? "looks like a literal secret value"
          : URL_WITH_PASSWORD.test(String(value))
            ? "is a URL with a password in it"
            : null;
        if (!what) continue;
        const message = `${what}: never write secrets in the file, ${instead.replace("KEY", key)} and set ${key} in the environment`;
        issues.push(locate({ file, positions }, [...path, key], message, "key"));
      }
    }
  }
  return issues;
}
