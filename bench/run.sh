#!/usr/bin/env bash
# Runs every benchmark against the sandbox (bringing it up if needed); each writes bench/results/<name>.json.
# `npm run bench -- ssh engine` runs only those.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .sandbox/inventory.json ] || npm run -s sandbox -- up
all=(ssh engine delivery)
for name in "${@:-${all[@]}}"; do
  printf '\n== bench/%s\n' "$name"
  npx tsx "bench/$name/run.ts"
done
