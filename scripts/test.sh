#!/usr/bin/env bash
# `npm test`: everything the tests need on a fresh machine, then unit + e2e tests. Arguments go to vitest
# (CI passes its reporters this way). Set-up steps are no-ops when already done: `sandbox up` twice takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
# npm ci when nothing is installed yet or package-lock.json changed since (e.g. after a pull), as the demo does.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# Seven targets: t1..t3 the shared suite (lb-layout: t1 nginx, t2 and t3 the app), t4..t6 the swarm, t7 a host never
# bootstrapped before (test/e2e/security/helper-runtimes.test.ts). Same count as .ci/run.
npm run -s sandbox -- up --targets 7
exec npx vitest run --project unit --project e2e "$@"
