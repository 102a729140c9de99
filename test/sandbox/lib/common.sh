# Shared paths, constants and small helpers for the sandbox scripts (sourced, not run).
# Why bash: the sandbox drives apt-get, debootstrap, chroot and daemons; a shell script is the shortest honest form.

SANDBOX_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "$SANDBOX_DIR/../.." && pwd)"
STATE_DIR="$REPO_ROOT/.sandbox"
PID_DIR="$STATE_DIR/pids"
LOG_DIR="$STATE_DIR/logs"
# Cached debootstrap tarballs live outside the repo so a clean clone (CI) on the same machine reuses them.
CACHE_DIR="${SLIPWAY_SANDBOX_CACHE:-/var/cache/slipway-sandbox}"
BUILD_DIR="${SLIPWAY_SANDBOX_BUILD:-/var/tmp/slipway-sandbox-build}"

NETWORK_NAME="slipway-sandbox"
SUBNET="10.213.0.0/24"
GATEWAY="10.213.0.1"
TARGET_IP_BASE=11 # t1 = .11, t2 = .12, ...
REGISTRY_ADDR="$GATEWAY:5000"
PEBBLE_ADDR="$GATEWAY:14000"
PEBBLE_MGMT_ADDR="$GATEWAY:15000"
CHALL_DNS_ADDR="127.0.0.1:8053"
CHALL_MGMT_ADDR="127.0.0.1:8055"
LABEL="slipway.sandbox=1"
TARGET_PEBBLE_PEM="/usr/local/share/slipway/pebble.pem"
BASE_IMAGE_LATEST="slipway-base:latest"

export DOCKER_BUILDKIT=0
export DEBIAN_FRONTEND=noninteractive

log() { printf '[sandbox] %s\n' "$*" >&2; }
die() {
  printf '[sandbox] ERROR: %s\n' "$*" >&2
  exit 1
}

# Runs a noisy command with its output in a log file; on failure shows the tail so the cause is visible.
run_logged() {
  local logfile="$1"
  shift
  mkdir -p "$(dirname "$logfile")"
  if ! "$@" >>"$logfile" 2>&1; then
    printf '[sandbox] command failed: %s (log: %s)\n' "$*" "$logfile" >&2
    tail -n 40 "$logfile" >&2
    return 1
  fi
}

# True when the PID in the given pid file names a live process.
pid_alive() {
  local pidfile="$1" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

# Starts a daemon detached from this shell, logging to LOG_DIR/NAME.log, and records its PID in PID_DIR/NAME.pid.
start_daemon() {
  local name="$1"
  shift
  mkdir -p "$PID_DIR" "$LOG_DIR"
  # 9>&-: the daemon must not inherit the sandbox lock (fd 9), or the next `up` would wait for it forever.
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$PID_DIR/$name.pid"
}

# Makes sure nothing listens on a port before a daemon is started there. One sandbox runs per machine: a listener that
# is the same sandbox daemon started from another checkout (e.g. a clean clone in CI) is stopped by its PID, found
# from its listening socket and its program name; anything else is an error.
claim_port() {
  local what="$1" hostport="$2" program="$3" pid i
  (exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}") 2>/dev/null || return 0
  pid="$(ss -Hltnp "sport = :${hostport##*:}" | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2)"
  if [[ -z "$pid" || "$(cat "/proc/$pid/comm" 2>/dev/null)" != "$program"* ]]; then
    die "$hostport ($what) is in use by a process the sandbox does not know (pid ${pid:-unknown}); free the port and retry"
  fi
  log "taking over $hostport: stopping $what (pid $pid) left by another checkout's sandbox"
  kill "$pid"
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  die "$what (pid $pid) did not stop"
}

# Fails with the daemon's log when it exited (e.g. could not bind its port).
daemon_alive_or_die() {
  pid_alive "$PID_DIR/$1.pid" && return 0
  tail -n 20 "$LOG_DIR/$1.log" >&2
  die "$1 exited right after starting (log: $LOG_DIR/$1.log)"
}

# Stops a daemon this sandbox started (by its recorded PID only), waiting up to ~10 s before SIGKILL.
stop_daemon() {
  local name="$1" pidfile="$PID_DIR/$1.pid" pid i
  if pid_alive "$pidfile"; then
    pid="$(cat "$pidfile")"
    log "stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
}

# Waits until the command succeeds, up to the given number of seconds.
wait_for() {
  local seconds="$1" what="$2" i
  shift 2
  for ((i = 0; i < seconds * 5; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  die "timed out after ${seconds}s waiting for $what"
}

target_ip() { echo "10.213.0.$((TARGET_IP_BASE + $1 - 1))"; }
target_container() { echo "slipway-t$1"; }
