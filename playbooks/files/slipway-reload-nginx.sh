#!/bin/sh
# Installed by slipway: certbot runs this after it renews a certificate.
set -e
/usr/sbin/nginx -t -q && systemctl reload nginx
