#!/usr/bin/env bash
# The whole deploy benchmark as short runs; each merges its phases into bench/results/deploy.json, and the tables of
# bench/README.md are regenerated from it at the end. Scales above the targets at hand are skipped.
#
#   bash bench/deploy/all.sh                    t1..tN of the sandbox, each run under the shared e2e lock
#   HOSTS=t8,t9 LOCK=/tmp/slipway-speed.lock bash bench/deploy/all.sh    named targets only (scales up to their count)
#   ROUNDS=2 ...                                rounds (A B, then B A) of the good release on 1 target (default 2)
#   PACED=0 ...                                 skip the paced-load run (default: run it, after the closed-loop ones)
#   MIN_REQUESTS=1000 SCALE_MIN_REQUESTS=500 PACED_MIN_REQUESTS=500 ...   short windows: a smoke test of the script
#                                               (defaults 20,000 / 5,000 / 10,000; the published figures need them)
#   SLIPWAY_COMMIT=abc1234 ...                  the commit to record when the checkout has no .git
set -euo pipefail
cd "$(dirname "$0")/../.."
lock="${LOCK:-/tmp/slipway-e2e.lock}"
# Run alone (not from bench/run.sh) it still needs the Ansible reference and the load generator.
command -v ansible-playbook >/dev/null || flock /tmp/apt.lock apt-get install -y -q ansible >/dev/null
command -v wrk >/dev/null || flock /tmp/apt.lock apt-get install -y -q wrk >/dev/null
started=$SECONDS
if [ -n "${HOSTS:-}" ]; then
  IFS=, read -r -a named <<<"$HOSTS"
  have=${#named[@]}
  # The first n named targets.
  on() { local IFS=,; echo "--hosts ${named[*]:0:$1}"; }
else
  have="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(".sandbox/inventory.json","utf8")).targets.length)')"
  on() { echo "--targets $1"; }
fi
# A failed run is reported and the others still run (each writes only its own cells); the exit status says so.
failed=0
run() {
  local n=$1
  shift
  # shellcheck disable=SC2046 # `on` prints two words on purpose
  flock "$lock" npx tsx bench/deploy/run.ts $(on "$n") "$@" || {
    echo "bench/deploy: FAILED: run.ts $(on "$n") $*" >&2
    failed=1
  }
}
run 1 --phases good --baselines --rounds "${ROUNDS:-2}" --min-requests "${MIN_REQUESTS:-20000}"
run 1 --phases unhealthy,after-switch,rollback,redeploy --rounds 1 --min-requests "${MIN_REQUESTS:-20000}"
for n in 2 4 8; do
  if ((n > have)); then
    echo "bench/deploy: skipping $n targets (only $have at hand: npm run sandbox -- up --targets $n, or more HOSTS)" >&2
    continue
  fi
  # The scales compare wall times; the 20,000-request windows (the zero-failure figures) are the 1-target phases'.
  run "$n" --phases good,redeploy --rounds 1 --min-requests "${SCALE_MIN_REQUESTS:-5000}"
done
# The good release again under a paced load (about half the closed probe's rate: wrk's CPU no longer takes what the
# deploys would use), 2 rounds of >= 10,000 requests each: >= 20,000 per tool. Its figures go beside the closed ones.
if [ "${PACED:-1}" != 0 ]; then
  run 1 --phases good --rounds 2 --load paced --min-requests "${PACED_MIN_REQUESTS:-10000}"
fi
npx tsx bench/deploy/report.ts --write
echo "bench/deploy: done in $((SECONDS - started)) s; bench/results/deploy.json and bench/README.md updated" >&2
exit "$failed"
