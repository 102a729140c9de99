#!/usr/bin/env bash
# The demo: sets up everything on a fresh machine, brings up the local sandbox of real servers, and walks through
# what Slipway does with the example app. Steps that have not landed yet are announced, not faked.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  say "Installing the npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

say "Starting the sandbox: target servers, image registry, ACME server"
npm run -s sandbox -- up

say "Validating the example configs"
for config in examples/*/slipway*.yml; do
  npm run -s slipway -- validate "$config"
done

say "What the demo will do once the blue-green deploy lands"
cat <<'PLAN'
1. Deploy examples/harvest to the sandbox targets (build, push, back up the SQLite file, start blue, health gate, switch nginx).
2. Deploy a new version while a load generator counts failed requests: zero failures expected.
3. Deploy a broken version (healthy at first, failing after the switch): Slipway switches back by itself.
PLAN
npm run -s sandbox -- status
