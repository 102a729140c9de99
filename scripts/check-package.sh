#!/bin/bash
# What users get from npm: packs the tarball, checks its file list (no tests, CI, sandbox or sources), installs it
# into a temporary prefix as `npm install --global` would, and runs the installed CLI from an unrelated directory.
# Usage: bash scripts/check-package.sh   (exits non-zero on the first problem, saying which)
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d /tmp/slipway-package.XXXXXX)"
trap 'rm -rf "$work"' EXIT
fail() {
  echo "package check: $*" >&2
  exit 1
}

tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
files="$(tar -tzf "$work/$tarball" | sed 's#^package/##' | sort)"
echo "$tarball: $(wc -l <<<"$files") files, $(du -k "$work/$tarball" | cut -f1) KiB"
forbidden="$(grep -E '^(test|\.ci|src|scripts|bench|examples|\.sandbox)/|^test/sandbox/|\.test\.ts$' <<<"$files" || true)"
[[ -z "$forbidden" ]] || fail "the tarball ships files users must not get: $(tr '\n' ' ' <<<"$forbidden")"
for required in LICENSE package.json bin/slipway.js dist/cli/index.js dist/cli/THIRD-PARTY-LICENSES.txt \
  templates/nginx/site.conf.hbs playbooks/certs.yml; do
  grep -qx "$required" <<<"$files" || fail "the tarball lacks $required"
done

# From the local npm cache filled by `npm ci`; the registry only for what the cache lacks.
npm install --global --prefix "$work/prefix" --prefer-offline --no-audit --no-fund --loglevel=error \
  "$work/$tarball" >/dev/null || fail "npm install of the tarball failed"
slipway="$work/prefix/bin/slipway"
[[ -x "$slipway" ]] || fail "npm install made no bin/slipway"

project="$work/project"
mkdir -p "$project"
printf '{"name":"shop","version":"9.9.9"}\n' >"$project/package.json"
cp examples/harvest/slipway.yml "$project/slipway.yml"
expected="$(node -p 'require("./package.json").version')"
# npm_package_version is what `npm run` sets in the user's project: --version must not print it.
got="$(cd "$project" && npm_package_version=9.9.9 "$slipway" --version)"
[[ "$got" == "$expected" ]] || fail "installed slipway --version printed '$got', expected '$expected'"
(cd "$project" && "$slipway" validate slipway.yml) || fail "installed slipway could not validate examples/harvest"
echo "installed CLI ok: slipway --version = $got; validate ran from $project"
