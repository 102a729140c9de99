#!/usr/bin/env bash
# The whole deploy benchmark as short runs, each holding the shared targets (the e2e lock) for a few minutes at most;
# each merges its phases into bench/results/deploy.json. Scales above the sandbox's target count are skipped.
# ROUNDS=2 bash bench/deploy/all.sh   (default 1 round: one A B pair per phase)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${ROUNDS:-1}"
lock=/tmp/slipway-e2e.lock
run() { flock "$lock" npx tsx bench/deploy/run.ts --rounds "$rounds" "$@"; }
run --targets 1 --phases good --baselines
run --targets 1 --phases unhealthy,after-switch
run --targets 1 --phases rollback,redeploy
have="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(".sandbox/inventory.json","utf8")).targets.length)')"
for n in 2 4 8; do
  if (( n > have )); then
    echo "bench/deploy: skipping $n targets (the sandbox has $have: npm run sandbox -- up --targets $n)" >&2
    continue
  fi
  run --targets "$n" --phases good,redeploy
done
