#!/usr/bin/env bash
# `npm test`: everything the tests need on a fresh machine, then unit + e2e tests. Arguments go to vitest
# (CI passes its reporters this way). Set-up steps are no-ops when already done: `sandbox up` twice takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
# npm ci when nothing is installed yet or package-lock.json changed since (e.g. after a pull), as the demo does.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# Nine targets per e2e lane (two lanes: 18): in each lane t1..t3 the shared files (lb-layout: t1 nginx, t2 and t3
# the app), t4..t6 the swarm, t7 a host never bootstrapped before (test/e2e/security/helper-runtimes.test.ts), t8 and
# t9 for files that want a host no other file touches. scripts/e2e-lanes.mjs deals the files to lanes and says the
# count (SLIPWAY_E2E_LANES sets the lanes); scripts/run-tests.mjs runs the lanes side by side. Same count as .ci/run.
npm run -s sandbox -- up --targets "$(node scripts/e2e-lanes.mjs --targets)"
exec node scripts/run-tests.mjs "$@"
