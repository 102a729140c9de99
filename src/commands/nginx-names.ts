/**
 * The read behind deploy/name-conflicts.ts (D84): which other enabled nginx files name this site's server names.
 */

import type { Command } from "./command.js";

/**
 * sh script: $1 = this site's file (never reported), then the names. Prints `name<TAB>file` per other enabled file
 * whose `server_name` lists the name; always exits 0 (nothing found prints nothing).
 */
export const NAME_CONFLICTS_SCRIPT = [
  'self="$1"; shift',
  'for n in "$@"; do',
  "  re=$(printf '%s' \"$n\" | sed 's/[].[*]/\\\\&/g')",
  '  grep -RlE "server_name[^;]*[[:space:]]$re([[:space:];]|\\$)" /etc/nginx/conf.d /etc/nginx/sites-enabled 2>/dev/null |',
  '    while IFS= read -r f; do [ "$f" = "$self" ] || printf \'%s\\t%s\\n\' "$n" "$f"; done',
  "done",
  "exit 0",
].join("\n");

/** The read of NAME_CONFLICTS_SCRIPT for a site file and its server names (as rendered: domains or addresses). */
export function nameConflictsCommand(sitePath: string, names: readonly string[]): Command {
  return {
    argv: ["sh", "-c", NAME_CONFLICTS_SCRIPT, "sh", sitePath, ...names],
    what: "find other sites serving the names",
  };
}
