# Target hosts: systemd containers on the sandbox network, their users and keys, known_hosts and the inventory.

KEY_PATH="$STATE_DIR/id_ed25519"
KNOWN_HOSTS_PATH="$STATE_DIR/known_hosts"
INVENTORY_PATH="$STATE_DIR/inventory.json"

ensure_key() {
  [[ -f "$KEY_PATH" ]] && return 0
  mkdir -p "$STATE_DIR"
  ssh-keygen -q -t ed25519 -N "" -C "slipway-sandbox" -f "$KEY_PATH"
}

# Containers of the sandbox that are targets, by name.
existing_targets() {
  docker ps -a --filter "label=$LABEL" --filter "label=slipway.target" --format '{{.Names}}'
}

# The flags SANDBOX.md verified: systemd as PID 1 without --privileged (which fails here), /var/lib/docker on a volume
# so the inner dockerd can use overlay2.
run_target() {
  local i="$1" image="$2" name ip
  name="$(target_container "$i")"
  ip="$(target_ip "$i")"
  docker rm -f "$name" >/dev/null 2>&1 || true
  docker volume rm "$name-docker" >/dev/null 2>&1 || true
  docker volume create --label "$LABEL" "$name-docker" >/dev/null
  log "starting $name at $ip"
  docker run -d --name "$name" --hostname "t$i" --network "$NETWORK_NAME" --ip "$ip" \
    --label "$LABEL" --label "slipway.target=t$i" --stop-signal SIGRTMIN+3 \
    --cap-add SYS_ADMIN --cap-add NET_ADMIN \
    --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
    -v /sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs /run --tmpfs /run/lock \
    -v "$name-docker:/var/lib/docker" "$image" >/dev/null
}

target_is_current() {
  local name="$1" image="$2"
  [[ "$(docker inspect -f '{{.State.Running}} {{.Config.Image}}' "$name" 2>/dev/null)" == "true $image" ]]
}

# Per-boot setup that depends on this checkout's state: the SSH key and pebble's cert, in one docker exec (each docker
# exec is a runc exec in the target). Idempotent.
configure_target() {
  local name="$1"
  # shellcheck disable=SC2016 # expanded by the target's sh
  docker exec -i "$name" sh -c 'set -e
    for user in deploy nosudo; do
      printf "%s\n" "$1" | install -m 0600 -o "$user" -g "$user" /dev/stdin "/home/$user/.ssh/authorized_keys"
    done
    install -D -m 0644 /dev/stdin "$2"' sh "$(cat "$KEY_PATH.pub")" "$TARGET_PEBBLE_PEM" <"$STATE_DIR/pebble/cert.pem"
}

wait_system_running() {
  local name="$1" state
  state="$(timeout 120 docker exec "$name" systemctl is-system-running --wait 2>/dev/null)" || true
  [[ "$state" == "running" ]] && return 0
  log "WARNING: $name: systemctl is-system-running says '$state'; failed units:"
  docker exec "$name" systemctl --failed --no-legend >&2 || true
}

host_keys_of() {
  local i="$1" name ip
  name="$(target_container "$i")"
  ip="$(target_ip "$i")"
  wait_for 60 "$name host keys" docker exec "$name" test -s /etc/ssh/ssh_host_ed25519_key.pub
  docker exec "$name" sh -c 'cat /etc/ssh/ssh_host_ed25519_key.pub /etc/ssh/ssh_host_ecdsa_key.pub /etc/ssh/ssh_host_rsa_key.pub' |
    awk -v ip="$ip" '{print ip, $1, $2}'
}

ssh_answers() {
  local ip="$1"
  ssh -o BatchMode=yes -o ConnectTimeout=5 -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$KNOWN_HOSTS_PATH" \
    -i "$KEY_PATH" "deploy@$ip" true
}

ensure_targets() {
  local count="$1" image="$2" i name
  ensure_key
  for name in $(existing_targets); do
    [[ "${name#slipway-t}" -gt "$count" ]] && { log "removing $name"; docker rm -f "$name" >/dev/null; docker volume rm "$name-docker" >/dev/null 2>&1 || true; }
  done
  for ((i = 1; i <= count; i++)); do
    name="$(target_container "$i")"
    if ! target_is_current "$name" "$image"; then
      rm -f "$INVENTORY_PATH"
      run_target "$i" "$image"
    fi
  done
  # Every target at once: one after another, a second `up` of 27 targets (nothing to start) took 34 s, 20 s now. Each
  # writes its host keys to a file of its own, joined in target order.
  local known="$KNOWN_HOSTS_PATH.tmp"
  at_once "$count" "not ready (see above)" ready_target
  for ((i = 1; i <= count; i++)); do cat "$known.$i"; done >"$known"
  for ((i = 1; i <= count; i++)); do rm -f "$known.$i"; done
  mv "$known" "$KNOWN_HOSTS_PATH"
  at_once "$count" "does not answer SSH as deploy" answers_ssh
}

# Runs `$3... I` for every target I of 1..$1 at once, then dies naming the first that failed (`$2`: how it failed).
at_once() {
  local count="$1" failure="$2" i pids=()
  shift 2
  for ((i = 1; i <= count; i++)); do
    "$@" "$i" &
    pids+=("$!")
  done
  for ((i = 1; i <= count; i++)); do
    wait "${pids[i - 1]}" || die "target t$i $failure"
  done
}

# One target's per-boot setup, its systemd settled, its host keys written to known_hosts.tmp.<i>.
ready_target() {
  local name
  name="$(target_container "$1")"
  configure_target "$name"
  wait_system_running "$name"
  host_keys_of "$1" >"$KNOWN_HOSTS_PATH.tmp.$1"
}

answers_ssh() {
  wait_for 60 "SSH to deploy@$(target_ip "$1")" ssh_answers "$(target_ip "$1")"
}

# Written last, atomically: other scripts wait for this file to exist before using the sandbox.
write_inventory() {
  local count="$1"
  node -e '
    const fs = require("node:fs");
    const [file, count, key, knownHosts, registry, pebbleCert, targetPem, pebble, pebbleMgmt, challMgmt, base] =
      process.argv.slice(1);
    const targets = Array.from({ length: Number(count) }, (_, i) => ({
      name: `t${i + 1}`, host: `10.213.0.${11 + i}`, port: 22, user: "deploy",
    }));
    const inventory = {
      targets, privateKeyPath: key, knownHostsPath: knownHosts, registry,
      acme: {
        directory: `https://${pebble}/dir`, caCertPath: pebbleCert, targetCaCertPath: targetPem,
        managementUrl: `http://${challMgmt}`, rootsUrl: `https://${pebbleMgmt}/roots/0`,
      },
      baseImage: base,
    };
    fs.writeFileSync(file + ".tmp", JSON.stringify(inventory, null, 2) + "\n");
    fs.renameSync(file + ".tmp", file);
  ' "$INVENTORY_PATH" "$count" "$KEY_PATH" "$KNOWN_HOSTS_PATH" "$REGISTRY_ADDR" "$STATE_DIR/pebble/cert.pem" \
    "$TARGET_PEBBLE_PEM" "$PEBBLE_ADDR" "$PEBBLE_MGMT_ADDR" "$CHALL_MGMT_ADDR" "$BASE_IMAGE_LATEST"
}
