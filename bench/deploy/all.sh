#!/usr/bin/env bash
# The whole deploy benchmark as short runs, each holding the shared targets (the e2e lock) for a few minutes at most;
# each merges its phases into bench/results/deploy.json. Scales above the sandbox's target count are skipped.
# ROUNDS=2 bash bench/deploy/all.sh   (default: 2 rounds, A B then B A, of the good release on 1 target; 1 elsewhere)
set -euo pipefail
cd "$(dirname "$0")/../.."
lock=/tmp/slipway-e2e.lock
run() { flock "$lock" npx tsx bench/deploy/run.ts "$@"; }
run --targets 1 --phases good --baselines --rounds "${ROUNDS:-2}"
run --targets 1 --phases unhealthy,after-switch --rounds "${ROUNDS:-1}"
run --targets 1 --phases rollback,redeploy --rounds "${ROUNDS:-1}"
have="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(".sandbox/inventory.json","utf8")).targets.length)')"
for n in 2 4 8; do
  if (( n > have )); then
    echo "bench/deploy: skipping $n targets (the sandbox has $have: npm run sandbox -- up --targets $n)" >&2
    continue
  fi
  run --targets "$n" --phases good,redeploy --rounds "${ROUNDS:-1}"
done
