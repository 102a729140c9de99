#!/usr/bin/env bash
# `npm test`: everything the tests need on a fresh machine, then unit + e2e tests. Arguments go to vitest
# (CI passes its reporters this way). Set-up steps are no-ops when already done: `sandbox up` twice takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
# npm ci when nothing is installed yet or package-lock.json changed since (e.g. after a pull), as the demo does.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# Nine targets: t1..t3 the shared suite (lb-layout: t1 nginx, t2 and t3 the app), t4..t6 the swarm, t7 a host never
# bootstrapped before (test/e2e/security/helper-runtimes.test.ts), t8 and t9 one each for the two e2e lanes' files that
# want a host no other file touches. Same count as .ci/run. The lanes (scripts/e2e-lanes.mjs) split the targets so two
# e2e files run at once: scripts/run-tests.mjs.
npm run -s sandbox -- up --targets 9
exec node scripts/run-tests.mjs "$@"
