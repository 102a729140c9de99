/**
 * Pure builders of the files the certificate step writes: the renewal units and the deploy hook. Unit tests check
 * them by value; the argv it runs is built in src/commands/ (certbot.ts, systemd.ts).
 */
import { environmentAssignment, systemdPath } from "../render/systemd-values.js";
import { type CertSpec, LETSENCRYPT_DIR } from "./spec.js";

export const DEPLOY_HOOK_PATH = `${LETSENCRYPT_DIR}/renewal-hooks/deploy/slipway-reload-nginx.sh`;

/** Runs after every successful renewal: reload nginx only when its config is valid (a broken one keeps serving). */
export function deployHookScript(nginxBinary = "/usr/sbin/nginx"): string {
  return [
    "#!/bin/sh",
    "# Installed by slipway: certbot runs this after it renews a certificate.",
    "set -e",
    `${nginxBinary} -t -q && systemctl reload nginx`,
    "",
  ].join("\n");
}

export const DISTRO_TIMER = "certbot.timer";
export const SLIPWAY_RENEW_SERVICE = "slipway-certbot-renew.service";
export const SLIPWAY_RENEW_TIMER = "slipway-certbot-renew.timer";

/** Fallback when the distribution's certbot has no timer: renew twice a day at a random minute, like certbot's own. */
export function renewServiceUnit(spec: Pick<CertSpec, "caBundle">): string {
  return [
    "# Installed by slipway: renews certificates that expire within 30 days; the deploy hook reloads nginx.",
    "[Unit]",
    "Description=Renew certificates (slipway)",
    "Wants=network-online.target",
    "After=network-online.target",
    "",
    "[Service]",
    "Type=oneshot",
    ...(spec.caBundle ? [caBundleEnvironment(spec.caBundle)] : []),
    "ExecStart=/usr/bin/certbot -q renew",
    "",
  ].join("\n");
}

export function renewTimerUnit(): string {
  return [
    "# Installed by slipway: runs slipway-certbot-renew.service twice a day.",
    "[Unit]",
    "Description=Renew certificates twice a day (slipway)",
    "",
    "[Timer]",
    "OnCalendar=*-*-* 00,12:00:00",
    "RandomizedDelaySec=43200",
    "Persistent=true",
    "",
    "[Install]",
    "WantedBy=timers.target",
    "",
  ].join("\n");
}

/**
 * certbot's renewal config records the ACME server but not REQUESTS_CA_BUNDLE: the distribution's certbot.service
 * needs it too, or renewals against a private CA fail TLS verification. A drop-in adds it without editing the unit.
 */
export const DISTRO_SERVICE_DROPIN = "/etc/systemd/system/certbot.service.d/slipway-ca-bundle.conf";

export function caBundleDropIn(caBundle: string): string {
  return [
    "# Installed by slipway: certbot renewals trust the private ACME server's CA.",
    "[Service]",
    caBundleEnvironment(caBundle),
    "",
  ].join("\n");
}

/**
 * `Environment="REQUESTS_CA_BUNDLE=<path>"` through the unit writer's escaping, the path checked as an absolute path
 * first: these units run certbot as root, so a value with a newline or quote must never add a directive.
 */
function caBundleEnvironment(caBundle: string): string {
  return `Environment=${environmentAssignment("REQUESTS_CA_BUNDLE", systemdPath(caBundle, "tls.ca_bundle"), "tls.ca_bundle")}`;
}
