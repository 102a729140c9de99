#!/usr/bin/env bash
# `npm test`: everything the tests need on a fresh machine, then unit + e2e tests. Arguments go to vitest
# (CI passes its reporters this way). Set-up steps are no-ops when already done: `sandbox up` twice takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
# npm ci when nothing is installed yet or package-lock.json changed since (e.g. after a pull), as the demo does.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# 18 or 27 targets: t1..t9 the e2e files as they name them (t1..t3 the shared suite, lb-layout: t1 nginx, t2 and t3 the
# app; t4..t6 the swarm; t7 a host never bootstrapped before, test/e2e/security/helper-runtimes.test.ts; t8 and t9 for
# files that want a host no other file touches), lane a on t1 t3 t7 t8 and lane b on t2 t4..t6 t9 side by side; then
# t10..t18 (and t19..t27) for the files whose targets span both lanes, moved there by SLIPWAY_E2E_TARGET_OFFSET so they
# run in a lane too. scripts/e2e-lanes.mjs says which file runs where, and the count; scripts/run-tests.mjs runs them.
# Same count as .ci/run.
npm run -s sandbox -- up --targets "$(node scripts/e2e-lanes.mjs --targets)"
exec node scripts/run-tests.mjs "$@"
