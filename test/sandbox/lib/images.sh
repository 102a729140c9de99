# Builds the two sandbox images from a debootstrap rootfs, each tagged with a hash of its recipe so a rebuild happens
# only when the recipe changes: slipway-base:<hash> (+ :latest) for the example apps, slipway-target:<hash> for targets.

SUITE="bookworm"

# The Debian mirror and security mirror this machine uses (deb822 or one-line sources), so the chroot installs from them.
debian_mirror() {
  local uri
  uri="$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v -- '-security' | grep -m1 debian)" ||
    uri="$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v -- '-security' | grep -m1 debian)" ||
    uri="http://deb.debian.org/debian"
  echo "$uri"
}
debian_security_mirror() {
  local uri
  uri="$(grep -hE '^URIs:|^deb ' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
    awk '{print $2}' | grep -m1 -- '-security')" || uri="http://deb.debian.org/debian-security"
  echo "$uri"
}

# Hash of every file that decides an image's content, plus the mirror.
recipe_hash() {
  local dir
  {
    echo "$SUITE $(debian_mirror)"
    for dir in "$@"; do
      (cd "$SANDBOX_DIR" && find "$dir" -type f | LC_ALL=C sort | xargs sha256sum)
    done
  } | sha256sum | cut -c1-12
}
base_hash() { recipe_hash recipe/base lib/images.sh; }
target_hash() { recipe_hash recipe/base recipe/target lib/images.sh; }
base_image() { echo "slipway-base:$(base_hash)"; }
target_image() { echo "slipway-target:$(target_hash)"; }
image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

packages_of() { grep -vE '^\s*(#|$)' "$1" | tr '\n' ' '; }

CHROOT_MOUNTS=()
chroot_mount() {
  local root="$1"
  mount -t proc proc "$root/proc" && CHROOT_MOUNTS+=("$root/proc")
  mount --bind /dev "$root/dev" && CHROOT_MOUNTS+=("$root/dev")
  mount -t sysfs sysfs "$root/sys" && CHROOT_MOUNTS+=("$root/sys")
}
chroot_umount_all() {
  local i
  for ((i = ${#CHROOT_MOUNTS[@]} - 1; i >= 0; i--)); do umount -l "${CHROOT_MOUNTS[$i]}" 2>/dev/null || true; done
  CHROOT_MOUNTS=()
}

# Unmounts whatever an interrupted earlier build left mounted under the rootfs, so rm -rf never reaches the host's /dev.
umount_under() {
  local root="$1" mnt
  [[ -d "$root" ]] || return 0
  root="$(realpath "$root")"
  for mnt in $(awk '{print $2}' /proc/mounts | grep -E "^$root/" | sort -r || true); do umount -l "$mnt" || true; done
  if awk '{print $2}' /proc/mounts | grep -qE "^$root/"; then die "cannot unmount leftovers under $root"; fi
}

# A minbase rootfs, from the cached tarball when present (debootstrap takes ~1 min).
make_rootfs() {
  local root="$1" tarball
  tarball="$CACHE_DIR/debootstrap-$SUITE-minbase-$(echo "$SUITE minbase $(debian_mirror)" | sha256sum | cut -c1-12).tar"
  umount_under "$root"
  rm -rf "$root" && mkdir -p "$root" "$CACHE_DIR"
  if [[ -f "$tarball" ]]; then
    log "unpacking cached debootstrap rootfs $tarball"
    tar -C "$root" -xf "$tarball"
    return 0
  fi
  log "debootstrap $SUITE (minbase) from $(debian_mirror)"
  run_logged "$LOG_DIR/debootstrap.log" debootstrap --variant=minbase "$SUITE" "$root" "$(debian_mirror)" ||
    die "debootstrap failed"
  tar -C "$root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
}

# Prepares a rootfs for apt-get inside a chroot: sources, no docs, no service starts during install.
prepare_chroot() {
  local root="$1"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  cat >"$root/etc/apt/sources.list" <<SOURCES
deb $(debian_mirror) $SUITE main
deb $(debian_mirror) $SUITE-updates main
deb $(debian_security_mirror) $SUITE-security main
SOURCES
  cat >"$root/etc/dpkg/dpkg.cfg.d/01-slipway-nodoc" <<'NODOC'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
NODOC
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  chroot_mount "$root"
}

chroot_apt_install() {
  local root="$1" list="$2" log_name="$3"
  # shellcheck disable=SC2046
  run_logged "$LOG_DIR/$log_name.log" chroot "$root" apt-get install -y -q --no-install-recommends \
    $(packages_of "$list") || die "apt-get install in the $log_name rootfs failed"
}

# Streams the rootfs into `docker import`, leaving out caches and build-only files.
import_rootfs() {
  local root="$1" image="$2"
  shift 2
  tar -C "$root" -c --exclude=./proc/* --exclude=./sys/* --exclude=./dev/* --exclude=./var/cache/apt/* \
    --exclude=./var/lib/apt/lists/* --exclude=./usr/share/doc/* --exclude=./usr/share/man/* \
    --exclude=./var/log/*.log --exclude=./tmp/* --exclude=./usr/sbin/policy-rc.d --exclude=./etc/resolv.conf . |
    docker import "$@" - "$image" >/dev/null
}

build_images() {
  local base target root="$BUILD_DIR/rootfs"
  base="$(base_image)"
  target="$(target_image)"
  if image_exists "$base" && image_exists "$target"; then
    docker tag "$base" "$BASE_IMAGE_LATEST"
    return 0
  fi
  trap chroot_umount_all EXIT
  make_rootfs "$root"
  prepare_chroot "$root"
  log "installing base packages"
  run_logged "$LOG_DIR/apt-base.log" chroot "$root" apt-get update -q || die "apt-get update in the chroot failed"
  chroot_apt_install "$root" "$SANDBOX_DIR/recipe/base/packages.txt" apt-base
  if ! image_exists "$base"; then
    log "importing $base"
    chroot "$root" apt-get clean
    import_rootfs "$root" "$base" -c 'ENV LANG=C.UTF-8' -c 'CMD ["/bin/bash"]'
  fi
  docker tag "$base" "$BASE_IMAGE_LATEST"
  if ! image_exists "$target"; then
    log "installing target packages (systemd, sshd, docker, nginx, certbot, postgresql, mariadb, ...)"
    chroot_apt_install "$root" "$SANDBOX_DIR/recipe/target/packages.txt" apt-target
    cp -r "$SANDBOX_DIR/recipe/target/files" "$root/tmp/slipway-files"
    run_logged "$LOG_DIR/target-setup.log" chroot "$root" /bin/bash -s <"$SANDBOX_DIR/recipe/target/setup.sh" ||
      die "target setup failed"
    chroot "$root" apt-get clean
    log "importing $target"
    import_rootfs "$root" "$target" -c 'ENV container=docker' -c 'ENV LANG=C.UTF-8' -c 'CMD ["/lib/systemd/systemd"]'
  fi
  chroot_umount_all
  trap - EXIT
  rm -rf "$root"
}
