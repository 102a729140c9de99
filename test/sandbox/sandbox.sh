#!/bin/bash
# The sandbox of real target servers (see /work/shared/SANDBOX.md): npm run sandbox -- up [--targets N] | down | status
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$SANDBOX_DIR/lib/host.sh"
source "$SANDBOX_DIR/lib/images.sh"
source "$SANDBOX_DIR/lib/targets.sh"

usage() {
  echo "usage: npm run sandbox -- up [--targets N] | down | status" >&2
  exit 2
}

cmd_up() {
  local count=2 started=$SECONDS
  while (($#)); do
    case "$1" in
      --targets) count="${2:?--targets needs a number}"; shift 2 ;;
      --targets=*) count="${1#*=}"; shift ;;
      *) usage ;;
    esac
  done
  [[ "$count" =~ ^[1-9][0-9]?$ ]] || die "--targets must be between 1 and 99"
  mkdir -p "$STATE_DIR" "$PID_DIR" "$LOG_DIR"
  ensure_host_packages
  ensure_dockerd
  ensure_inotify_limits
  ensure_network
  ensure_registry
  ensure_pebble
  build_images
  ensure_targets "$count" "$(target_image)"
  write_inventory "$count"
  log "up in $((SECONDS - started))s: $count target(s), inventory at $INVENTORY_PATH"
}

cmd_down() {
  if docker info >/dev/null 2>&1; then
    local ids
    ids="$(docker ps -aq --filter "label=$LABEL")"
    [[ -n "$ids" ]] && { log "removing containers"; docker rm -f $ids >/dev/null; }
    ids="$(docker network ls -q --filter "label=$LABEL")"
    [[ -n "$ids" ]] && { log "removing network"; docker network rm $ids >/dev/null; }
    ids="$(docker volume ls -q --filter "label=$LABEL")"
    [[ -n "$ids" ]] && { log "removing volumes"; docker volume rm $ids >/dev/null; }
  fi
  stop_daemon pebble
  stop_daemon challtestsrv
  stop_daemon registry
  stop_daemon dockerd
  umount_under "$BUILD_DIR"
  rm -rf "$STATE_DIR" "$BUILD_DIR"
  log "down (images slipway-base and slipway-target stay cached; remove them with docker rmi)"
}

cmd_status() {
  local name
  if pid_alive "$PID_DIR/dockerd.pid"; then
    echo "dockerd: running (started by the sandbox, pid $(cat "$PID_DIR/dockerd.pid"))"
  elif docker info >/dev/null 2>&1; then
    echo "dockerd: running (not started by the sandbox)"
  else
    echo "dockerd: not running"
  fi
  for name in registry pebble challtestsrv; do
    if pid_alive "$PID_DIR/$name.pid"; then echo "$name: running (pid $(cat "$PID_DIR/$name.pid"))"; else echo "$name: not running"; fi
  done
  if docker info >/dev/null 2>&1; then
    docker network inspect "$NETWORK_NAME" >/dev/null 2>&1 && echo "network: $NETWORK_NAME ($SUBNET)" || echo "network: absent"
    docker ps -a --filter "label=$LABEL" --format 'target: {{.Names}} {{.Status}} ({{.Image}})'
    echo "images: $(base_image) $(image_exists "$(base_image)" && echo present || echo missing)," \
      "$(target_image) $(image_exists "$(target_image)" && echo present || echo missing)"
  fi
  [[ -f "$INVENTORY_PATH" ]] && echo "inventory: $INVENTORY_PATH" || echo "inventory: absent (run: npm run sandbox -- up)"
}

[[ $EUID -eq 0 ]] || die "the sandbox needs root (it runs dockerd, debootstrap and chroot)"
cmd="${1:-}"
shift || true
mkdir -p "$(dirname "$STATE_DIR")"
# One up/down at a time on this machine.
lock() {
  exec 9>/tmp/slipway-sandbox.lock
  flock 9
}
case "$cmd" in
  up) lock && cmd_up "$@" ;;
  down) lock && cmd_down ;;
  status) cmd_status ;;
  *) usage ;;
esac
