/**
 * argv builders for validating and activating rendered files on a host. Pure: unit tests compare them exactly.
 */

import { composeBinary } from "../remote/facts.js";
import { composeProjectName } from "./compose.js";
import type { Command } from "./install.js";
import type { ACCESSORIES, Color } from "./model.js";

export function nginxTest(binary = "nginx"): Command {
  return { argv: [binary, "-t"], what: "nginx -t" };
}

/**
 * `systemctl reload nginx` only signals the master and returns; for a moment old workers (old config) still accept
 * connections. The script waits until every worker that existed before the reload has exited or is "shutting down"
 * (finishing in-flight requests only), so the caller's next request sees the new config. A reload the master
 * refused (it keeps the old workers) ends in a non-zero exit after about 10 s.
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
 * `systemd-analyze verify` on one instance of the template (a template itself cannot be verified): the path names
 * `<unit>@<color>.service` in the directory that holds `<unit>@.service`.
 */
export function systemdVerify(templatePath: string, color: Color): Command {
  const instancePath = templatePath.replace(/@\.service$/, `@${color}.service`);
  return { argv: ["systemd-analyze", "verify", instancePath], what: "systemd-analyze verify" };
}

export function systemdDaemonReload(): Command {
  return { argv: ["systemctl", "daemon-reload"], what: "systemctl daemon-reload" };
}

/** `docker compose` (v2) or `docker-compose` (v1), as the host's facts report. */
export function composeConfigCheck(
  flavour: "v2" | "v1",
  app: string,
  color: Color | typeof ACCESSORIES,
  file: string,
): Command {
  const base = composeBinary(flavour);
  return {
    argv: [...base, "-p", composeProjectName(app, color), "-f", file, "config", "-q"],
    what: `${base.join(" ")} config`,
  };
}
