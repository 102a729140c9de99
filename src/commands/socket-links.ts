/**
 * The socket switch's one remote script (proxy.switch socket): repoint nginx's unix-socket links at a color's
 * listener. Root mode runs it under sudo; helper mode runs the helper's `links` verb, which does the same after
 * checking every pair belongs to the app (src/remote/privilege.ts translates one into the other).
 */

/** One link nginx connects through, and the color's listener it must point at. */
export interface SocketLink {
  link: string;
  target: string;
}

/**
 * sh script over (target, link) pairs: prints each link that points elsewhere; with $1 = "set" it also repoints it
 * (a temporary link renamed over the old one, so the link is never missing).
 */
export const POINT_LINKS_SCRIPT = [
  'mode="$1"; shift',
  'while [ "$#" -ge 2 ]; do',
  '  if [ "$(readlink -- "$2")" != "$1" ]; then',
  // A host's first deploy reaches the switch before the site's files (and their directory) are installed.
  '    if [ "$mode" = set ]; then mkdir -p -- "$(dirname -- "$2")" && ln -sfn -- "$1" "$2.slipway-new" && mv -Tf -- "$2.slipway-new" "$2" || exit 1; fi',
  '    printf "%s\\n" "$2"',
  "  fi",
  "  shift 2",
  "done",
].join("\n");

/** argv of POINT_LINKS_SCRIPT: `set` repoints, `check` only lists what would change. Output: one moved link a line. */
export function pointLinksArgv(links: readonly SocketLink[], mode: "set" | "check"): string[] {
  return ["sh", "-c", POINT_LINKS_SCRIPT, "sh", mode, ...links.flatMap((l) => [l.target, l.link])];
}
