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
