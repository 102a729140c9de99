/**
 * The host files around an nginx site that are not the site itself: where the site goes, and the tmpfiles.d line and
 * nginx drop-in that keep the colors' unix listeners working across reboots and restarts. Pure: contents and paths.
 */

/** Debian and RHEL nginx both include conf.d/*.conf inside http {}; a `.slipway-prev` copy there is not included. */
export function defaultSitePath(app: string): string {
  return `/etc/nginx/conf.d/slipway-${app}.conf`;
}

/** `/etc/tmpfiles.d/slipway-run-slipway.conf` for `/run/slipway`. */
export function tmpfilesPath(dir: string): string {
  return `/etc/tmpfiles.d/slipway${dir.replaceAll(/[^A-Za-z0-9]+/g, "-").replace(/-$/, "")}.conf`;
}

/** tmpfiles.d(5): create the directory at boot, root's, 0755, never cleaned by age. */
export function tmpfilesLine(dir: string): string {
  return `# Managed by Slipway: nginx's per-color listeners (proxy.switch socket) live here.\nd ${dir} 0755 root root -\n`;
}

/** Where nginx's drop-in for the socket directory goes (systemd). */
export const NGINX_SOCKETS_DROP_IN = "/etc/systemd/system/nginx.service.d/slipway-sockets.conf";

/**
 * A fresh nginx start (not a reload) binds every unix listener anew and fails on a socket file a killed nginx left
 * behind: the drop-in removes the directory's sockets first (no nginx holds them then).
 */
export function nginxSocketsDropIn(dir: string): string {
  return `# Managed by Slipway: a killed nginx leaves its unix listeners behind, and a new one cannot bind them.\n[Service]\nExecStartPre=/bin/sh -c 'rm -f ${dir}/*.sock'\n`;
}
