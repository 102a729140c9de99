/**
 * Another nginx site on the host already serving a name of this app's site (D84): nginx keeps the first server block
 * it reads for a name on a port ("conflicting server name ... ignored"), so the deploy would switch a site nobody
 * reaches, and the color header read back would be the other app's. Preflight refuses before anything changes.
 *
 * Read in the round trip of preflight's `nginx -t` (commands/nginx-names.ts): a grep of the enabled configuration (conf.d, sites-enabled) for a
 * `server_name` line naming any of this site's names, in a file other than the site's own. The files are
 * world-readable (install/apply.ts), so no privilege is needed. `nginx -t`'s own warnings for these names count too
 * (the other file unknown there: `sudo nginx -T` shows it).
 */

import { SlipwayError } from "../errors.js";

/** One name of this site that another file serves; `file` null when only `nginx -t` warned. */
export interface NameConflict {
  name: string;
  file: string | null;
}

/**
 * The conflicts from the script's stdout and `nginx -t`'s stderr, for this site's names only (another pair of
 * sites conflicting is not this deploy's business), one per name (the grep's file preferred), in the names' order.
 */
export function parseNameConflicts(names: readonly string[], grepOut: string, nginxStderr: string): NameConflict[] {
  const found = new Map<string, string | null>();
  for (const line of grepOut.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab > 0 && !found.has(line.slice(0, tab))) found.set(line.slice(0, tab), line.slice(tab + 1));
  }
  for (const m of nginxStderr.matchAll(/conflicting server name "([^"]+)" on \S+, ignored/g)) {
    if (!found.has(m[1] as string)) found.set(m[1] as string, null);
  }
  return names.filter((n) => found.has(n)).map((name) => ({ name, file: found.get(name) ?? null }));
}

/**
 * The refusal: each name with the file serving it. Without `proxy.domains` the names are the host's addresses, which
 * every domain-less app on the host answers: the fix is to give this app its own domain.
 */
export function nameConflictError(host: string, conflicts: readonly NameConflict[], hasDomains: boolean): SlipwayError {
  const lines = conflicts.map(
    (c) => `${c.name} is already served by ${c.file ?? "another nginx site (see `sudo nginx -T`)"}`,
  );
  const hint = hasDomains
    ? "give this app a proxy.domains entry no other site on the host serves (a copy-paste of another app's domain?), then deploy again"
    : "set proxy.domains: without it the site answers the host's address, which another app on the host already serves";
  return new SlipwayError(`another nginx site serves this app's names: nothing was changed\n${lines.join("\n")}`, {
    host,
    step: "preflight",
    hint,
  });
}
