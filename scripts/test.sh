#!/usr/bin/env bash
# `npm test`: everything the tests need on a fresh machine, then unit + e2e tests. Arguments go to vitest
# (CI passes its reporters this way). Set-up steps are no-ops when already done: `sandbox up` twice takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/vitest ] || npm ci --no-audit --no-fund
npm run -s sandbox -- up
exec npx vitest run --project unit --project e2e "$@"
