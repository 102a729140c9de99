#!/usr/bin/env bash
# The demo: sets up everything on a fresh machine, brings up the local sandbox of real servers, and walks through
# what Slipway does with the example app. Steps that have not landed yet are announced, not faked.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
note() { printf '   %s\n' "$*"; }
slipway() { npm run -s slipway -- "$@"; }

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "Installing the npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

say "Starting the sandbox: target servers, image registry, ACME server"
npm run -s sandbox -- up

say "Validating the example configs"
for config in examples/*/slipway*.yml; do
  slipway validate -c "$config"
done

# The deploy is there when src/deploy exports deploy() and the CLI has `slipway deploy`.
if ! grep -qE 'export \{[^}]*\bdeploy\b' src/deploy/index.ts 2>/dev/null || [ ! -f src/cli/deploy.ts ]; then
  say "What the demo will do once the blue-green deploy lands"
  cat <<'PLAN'
1. Deploy examples/harvest to the sandbox targets (back up the SQLite file, start blue, health gate, switch nginx).
2. Deploy a new version while a load generator counts failed requests: zero failures expected.
3. Deploy a broken version (healthy at first, failing after the switch): Slipway switches back by itself.
PLAN
  npm run -s sandbox -- status
  exit 0
fi

DOMAIN=harvest.e2e.test
DEMO_DIR=.sandbox/demo
CONFIG="$DEMO_DIR/slipway.yml"
TARGETS=$(node -e 'const i=require("./.sandbox/inventory.json"); console.log(i.targets.map(t=>t.host).join(" "))')
FIRST=${TARGETS%% *}

say "Writing $CONFIG: examples/harvest/slipway.yml with the sandbox's SSH key and known_hosts"
mkdir -p "$DEMO_DIR"
node --input-type=module - "$CONFIG" <<'JS'
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse, stringify } from "yaml";
const inventory = JSON.parse(readFileSync(".sandbox/inventory.json", "utf8"));
const config = parse(readFileSync("examples/harvest/slipway.yml", "utf8"));
delete config.environments;
config.inventory.ssh = {
  user: inventory.targets[0].user,
  known_hosts_file: resolve(inventory.knownHostsPath),
  identity_file: resolve(inventory.privateKeyPath),
};
config.inventory.hosts = Object.fromEntries(inventory.targets.map((t) => [t.name, { address: t.host }]));
config.inventory.groups = { web: { hosts: inventory.targets.map((t) => t.name) } };
writeFileSync(process.argv[2], stringify(config));
JS
note "hosts: $TARGETS   site: http://$DOMAIN/ (requests below send Host: $DOMAIN to each target's nginx)"

live_versions() {
  for ip in $TARGETS; do
    printf '   %s -> %s\n' "$ip" "$(curl -s -m 5 -H "Host: $DOMAIN" "http://$ip/api/health" || echo unreachable)"
  done
}

deploy_version() { # deploy_version VERSION [extra --version-env ...]
  local version=$1
  shift
  slipway deploy -c "$CONFIG" --release-dir examples/harvest --version-env "APP_VERSION=$version" "$@" --yes
}

say "1. First deploy of harvest v1 (back up, start blue, health gate, switch nginx)"
deploy_version v1
live_versions

say "2. Deploy v2 while a request loop hits $FIRST's nginx: every non-200 answer counts as a failure"
LOOP_DIR=$(mktemp -d)
# Whatever happens below, the loop stops and its directory goes.
trap 'touch "$LOOP_DIR/stop" 2>/dev/null || true' EXIT
(
  ok=0 failed=0
  while [ ! -f "$LOOP_DIR/stop" ] && [ $((ok + failed)) -lt 100000 ]; do
    code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' -H "Host: $DOMAIN" "http://$FIRST/api/health" || true)
    if [ "$code" = 200 ]; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
  done
  echo "$ok $failed" >"$LOOP_DIR/result"
) &
LOOP_PID=$!
STATUS=0
deploy_version v2 || STATUS=$?
touch "$LOOP_DIR/stop"
wait "$LOOP_PID"
read -r OK FAILED <"$LOOP_DIR/result"
rm -rf "$LOOP_DIR"
trap - EXIT
note "requests during the deploy: $OK answered 200, $FAILED failed (expected: 0 failed)"
if [ "$STATUS" -ne 0 ]; then
  note "the v2 deploy FAILED (exit $STATUS, see above): stopping the demo here"
  exit "$STATUS"
fi
live_versions

say "3. Deploy v3, built broken: healthy on its own port, but its public route fails after the switch"
if deploy_version v3-broken --version-env BROKEN=after-switch; then
  note "UNEXPECTED: the broken release was accepted"
  exit 1
fi
note "the deploy failed its check after the switch and switched back by itself: v2 should still serve"
live_versions

say "Done: the sandbox keeps running (npm run sandbox -- status / down)"
npm run -s sandbox -- status
