/**
 * Pure argv builders of nginx on a host: the config test and the graceful reload that waits for the new workers.
 * Unit tests compare them exactly; remote/privilege.ts recognizes both (its nginx verbs).
 */
import type { Command } from "./command.js";

export function nginxTest(binary = "nginx"): Command {
  return { argv: [binary, "-t"], what: "nginx -t" };
}

/**
 * `systemctl reload nginx` only signals the master and returns; for a moment old workers (old config) still accept
 * connections. The script waits until every worker that existed before the reload has exited or is "shutting down"
 * (finishing in-flight requests only), so the caller's next request sees the new config. A reload the master
 * refused (it keeps the old workers) ends in a non-zero exit after about 10 s. $1 = nginx's pid file.
 */
export const NGINX_RELOAD_AND_WAIT = [
  'master=$(cat "$1")',
  'old=$(pgrep -P "$master" | tr "\\n" " ")',
  "systemctl reload nginx || exit $?",
  "i=0",
  'while [ "$i" -lt 100 ]; do',
  "  busy=0",
  "  for p in $old; do",
  "    if [ -r /proc/$p/cmdline ] && ! tr '\\0' ' ' < /proc/$p/cmdline | grep -q 'shutting down'; then busy=1; fi",
  "  done",
  '  [ "$busy" = 0 ] && exit 0',
  "  i=$((i + 1))",
  "  sleep 0.1",
  "done",
  'echo "nginx did not replace its workers within 10 s of the reload: the new configuration is not active (see journalctl -u nginx)" >&2',
  "exit 1",
].join("\n");

export function nginxReload(pidFile = "/run/nginx.pid"): Command {
  return { argv: ["sh", "-c", NGINX_RELOAD_AND_WAIT, "sh", pidFile], what: "reload nginx" };
}

/**
 * The switch of `proxy.switch: socket`: nginx's per-service include links point at the live color's unix socket.
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

/** argv of POINT_LINKS_SCRIPT: `set` repoints, `check` only lists what would change. */
export function pointLinksArgv(links: readonly { target: string; link: string }[], mode: "set" | "check"): string[] {
  return ["sh", "-c", POINT_LINKS_SCRIPT, "sh", mode, ...links.flatMap((l) => [l.target, l.link])];
}
