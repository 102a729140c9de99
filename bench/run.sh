#!/usr/bin/env bash
# Runs every benchmark against the sandbox (bringing it up if needed); each writes bench/results/<name>.json.
# `npm run bench -- ssh engine` runs only those.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .sandbox/inventory.json ] || npm run -s sandbox -- up
# The engine benchmark runs the same tasks with Ansible for comparison.
command -v ansible-playbook >/dev/null || flock /tmp/apt.lock apt-get install -y -q ansible >/dev/null
all=(ssh engine delivery)
for name in "${@:-${all[@]}}"; do
  printf '\n== bench/%s\n' "$name"
  npx tsx "bench/$name/run.ts"
done
