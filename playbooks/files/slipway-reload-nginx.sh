#!/bin/sh
# Installed by slipway: certbot runs this after it renews a certificate.
# A failure is logged: journalctl -t slipway-certbot
what="renewed certificate for ${RENEWED_DOMAINS:-?} not loaded"
if ! out=$(/usr/sbin/nginx -t -q 2>&1); then
  logger -t slipway-certbot -p daemon.err "$what: nginx -t fails: $out"
  printf '%s\n' "$out" >&2
  exit 1
fi
if ! systemctl reload nginx; then
  logger -t slipway-certbot -p daemon.err "$what: systemctl reload nginx failed"
  exit 1
fi
