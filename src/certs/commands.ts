/**
 * Pure builders of the files the certificate step writes: the renewal units and the deploy hook. Unit tests check
 * them by value; the argv it runs is built in src/commands/ (certbot.ts, systemd.ts).
 */
import { environmentAssignment, systemdPath } from "../render/systemd-values.js";
import { HOOK_LOG_TAG } from "./served.js";
import { type CertSpec, LETSENCRYPT_DIR } from "./spec.js";

export const DEPLOY_HOOK_PATH = `${LETSENCRYPT_DIR}/renewal-hooks/deploy/slipway-reload-nginx.sh`;

/**
 * Runs after every successful renewal: reload nginx only when its config is valid (a broken one keeps serving the old
 * certificate). A failure goes to the journal under HOOK_LOG_TAG with nginx's own words (D70: certbot reports the
 * renewal as a success either way), where `slipway status`'s hint points; certbot's RENEWED_DOMAINS names the site.
 */
export function deployHookScript(nginxBinary = "/usr/sbin/nginx"): string {
  const log = `logger -t ${HOOK_LOG_TAG} -p daemon.err`;
  return [
    "#!/bin/sh",
    "# Installed by slipway: certbot runs this after it renews a certificate.",
    `# A failure is logged: journalctl -t ${HOOK_LOG_TAG}`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
    'what="renewed certificate for ${RENEWED_DOMAINS:-?} not loaded"',
    `if ! out=$(${nginxBinary} -t -q 2>&1); then`,
    `  ${log} "$what: nginx -t fails: $out"`,
    "  printf '%s\\n' \"$out\" >&2",
    "  exit 1",
    "fi",
    "if ! systemctl reload nginx; then",
    `  ${log} "$what: systemctl reload nginx failed"`,
    "  exit 1",
    "fi",
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
