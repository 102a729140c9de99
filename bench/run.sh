#!/usr/bin/env bash
# Runs every benchmark against the sandbox (bringing it up if needed); each writes bench/results/<name>.json.
# `npm run bench -- ssh engine` runs only those.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .sandbox/inventory.json ] || npm run -s sandbox -- up
# The engine and deploy benchmarks run the same work with Ansible for comparison; the deploy one loads nginx with wrk.
command -v ansible-playbook >/dev/null || flock /tmp/apt.lock apt-get install -y -q ansible >/dev/null
command -v wrk >/dev/null || flock /tmp/apt.lock apt-get install -y -q wrk >/dev/null
all=(ssh engine delivery health-check deploy)
for name in "${@:-${all[@]}}"; do
  printf '\n== bench/%s\n' "$name"
  # The deploy benchmark is several short runs, each under the e2e lock (it changes the shared targets).
  if [ "$name" = deploy ]; then bash bench/deploy/all.sh; else npx tsx "bench/$name/run.ts"; fi
done
