#!/bin/bash
# The committed dist/ must be what the sources bundle to (actions run dist/ as committed): bundles into a scratch
# directory, prints each file's size, and fails when any file differs from dist/ or exists on one side only.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="$(mktemp -d /tmp/slipway-dist.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
node scripts/bundle.mjs "$scratch"
if ! diff -rq dist "$scratch" >"$scratch.diff" 2>&1; then
  sed "s#$scratch#<fresh bundle>#g" "$scratch.diff"
  rm -f "$scratch.diff"
  echo "dist/ differs from a fresh bundle of the sources: run \`npm run bundle\` and commit dist/" >&2
  exit 1
fi
rm -f "$scratch.diff"
echo "dist/ matches a fresh bundle"
