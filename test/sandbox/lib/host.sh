# Runner-side services: Debian packages, dockerd, the sandbox network, the registry, pebble and its DNS.

# The sandbox's own daemons and builders (iproute2: `ip` and `ss` in these scripts), then what the tests run on the
# runner itself: the example apps under Debian's Python (test/unit/examples, test/e2e/examples/serve.test.ts), htpasswd
# for the authenticated-registry test, ssh/ssh-keygen, openssl and sqlite3 in unit and e2e tests, git for image labels.
# nginx and certbot run only inside the targets. Keep in step with APT_PACKAGES in .ci/run.
HOST_PACKAGES=(docker.io docker-compose debootstrap docker-registry pebble openssl sqlite3 curl openssh-client iproute2
  git apache2-utils python3-flask python3-flask-sqlalchemy python3-fastapi python3-requests uvicorn gunicorn)

ensure_host_packages() {
  local missing=() p
  for p in "${HOST_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing Debian packages: ${missing[*]}"
  mkdir -p "$LOG_DIR"
  # flock: other scripts on this machine may run apt-get at the same time.
  run_logged "$LOG_DIR/apt.log" flock /tmp/apt.lock apt-get update -q ||
    die "apt-get update failed"
  run_logged "$LOG_DIR/apt.log" flock /tmp/apt.lock apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    die "apt-get install failed"
}

# Adds the sandbox registry to /etc/docker/daemon.json's insecure-registries, keeping any other settings.
configure_docker_daemon_json() {
  mkdir -p /etc/docker
  node -e '
    const fs = require("node:fs");
    const [file, registry] = process.argv.slice(1);
    let config = {};
    try { config = JSON.parse(fs.readFileSync(file, "utf8")); } catch {}
    const list = new Set(config["insecure-registries"] ?? []);
    if (list.has(registry)) process.exit(0);
    list.add(registry);
    config["insecure-registries"] = [...list];
    fs.writeFileSync(file, JSON.stringify(config, null, 2) + "\n");
  ' /etc/docker/daemon.json "$REGISTRY_ADDR"
}

docker_has_insecure_registry() {
  docker info --format '{{json .RegistryConfig.IndexConfigs}}' 2>/dev/null | grep -q "\"$REGISTRY_ADDR\""
}

# Each target's systemd, journald and dockerd hold inotify instances of the host's root user; at the kernel's default
# of 128, targets past about 18 hang in sysinit (their .path units fail) and never write their SSH host keys.
ensure_inotify_limits() {
  local key want have
  for key in fs.inotify.max_user_instances=8192 fs.inotify.max_user_watches=524288; do
    want="${key#*=}"
    have="$(sysctl -n "${key%%=*}")"
    ((have >= want)) && continue
    log "raising ${key%%=*} from $have to $want (many systemd targets)"
    sysctl -qw "$key" || die "cannot set ${key%%=*} (root needed): targets past about 18 would hang at boot"
  done
}

ensure_dockerd() {
  configure_docker_daemon_json
  if docker info >/dev/null 2>&1; then
    if ! docker_has_insecure_registry; then
      # insecure-registries is reloadable: SIGHUP the running daemon (by its own pid file) instead of restarting it.
      log "reloading dockerd to pick up insecure registry $REGISTRY_ADDR"
      [[ -f /var/run/docker.pid ]] && kill -HUP "$(cat /var/run/docker.pid)"
      wait_for 10 "dockerd reload" docker_has_insecure_registry
    fi
    return 0
  fi
  log "starting dockerd"
  start_daemon dockerd dockerd
  wait_for 60 "dockerd to answer (log: $LOG_DIR/dockerd.log)" docker info
}

ensure_network() {
  if docker network inspect "$NETWORK_NAME" >/dev/null 2>&1; then return 0; fi
  log "creating network $NETWORK_NAME ($SUBNET)"
  docker network create --label "$LABEL" --subnet "$SUBNET" --gateway "$GATEWAY" \
    -o com.docker.network.bridge.name=slipway0 "$NETWORK_NAME" >/dev/null
  # The gateway address appears on the bridge only once it is up; the registry and pebble bind to it.
  wait_for 10 "gateway address $GATEWAY" ip -4 addr show slipway0
}

write_registry_config() {
  mkdir -p "$STATE_DIR/registry/data"
  cat >"$STATE_DIR/registry/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $STATE_DIR/registry/data
  delete:
    enabled: true
http:
  addr: $REGISTRY_ADDR
YAML
}

ensure_registry() {
  pid_alive "$PID_DIR/registry.pid" && return 0
  claim_port registry "$REGISTRY_ADDR" docker-registry
  write_registry_config
  log "starting registry on $REGISTRY_ADDR"
  start_daemon registry docker-registry serve "$STATE_DIR/registry/config.yml"
  wait_for 20 "registry on $REGISTRY_ADDR" curl -fsS "http://$REGISTRY_ADDR/v2/"
  daemon_alive_or_die registry
}

# pebble's listener cert: self-signed, marked as a CA so clients can trust it directly as their CA bundle.
ensure_pebble_cert() {
  local dir="$STATE_DIR/pebble"
  [[ -f "$dir/cert.pem" && -f "$dir/key.pem" ]] && return 0
  mkdir -p "$dir"
  run_logged "$LOG_DIR/openssl.log" openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" -subj "/CN=slipway sandbox pebble" \
    -addext "subjectAltName=IP:$GATEWAY,IP:127.0.0.1" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign"
}

write_pebble_config() {
  cat >"$STATE_DIR/pebble/config.json" <<JSON
{
  "pebble": {
    "listenAddress": "$PEBBLE_ADDR",
    "managementListenAddress": "$PEBBLE_MGMT_ADDR",
    "certificate": "$STATE_DIR/pebble/cert.pem",
    "privateKey": "$STATE_DIR/pebble/key.pem",
    "httpPort": 80,
    "tlsPort": 443,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false
  }
}
JSON
}

ensure_pebble() {
  ensure_pebble_cert
  if ! pid_alive "$PID_DIR/challtestsrv.pid"; then
    claim_port pebble-challtestsrv "$CHALL_MGMT_ADDR" pebble-challtes
    log "starting pebble-challtestsrv (DNS $CHALL_DNS_ADDR, management $CHALL_MGMT_ADDR)"
    # -defaultIPv6 "": otherwise pebble dials ::1 for every name and validation fails.
    start_daemon challtestsrv pebble-challtestsrv -dns01 "$CHALL_DNS_ADDR" -http01 "" -https01 "" -tlsalpn01 "" \
      -management "$CHALL_MGMT_ADDR" -defaultIPv4 "$(target_ip 1)" -defaultIPv6 ""
  fi
  if ! pid_alive "$PID_DIR/pebble.pid"; then
    claim_port pebble "$PEBBLE_ADDR" pebble
    write_pebble_config
    log "starting pebble on $PEBBLE_ADDR"
    # NOSLEEP: validate at once; NONCEREJECT=0: no random badNonce errors, so tests are deterministic.
    start_daemon pebble env PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 \
      pebble -config "$STATE_DIR/pebble/config.json" -dnsserver "$CHALL_DNS_ADDR"
  fi
  wait_for 20 "pebble directory" curl -fsS --cacert "$STATE_DIR/pebble/cert.pem" "https://$PEBBLE_ADDR/dir"
  wait_for 20 "challtestsrv management" curl -sS -o /dev/null "http://$CHALL_MGMT_ADDR/"
  daemon_alive_or_die pebble
  daemon_alive_or_die challtestsrv
}
