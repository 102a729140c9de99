#!/bin/bash
# Runs inside the target rootfs chroot after its packages are installed; files/ is copied to /tmp/slipway-files.
set -euo pipefail
F=/tmp/slipway-files

install -D -m 0644 "$F/daemon.json" /etc/docker/daemon.json
install -D -m 0644 "$F/sshd-slipway.conf" /etc/ssh/sshd_config.d/slipway.conf
install -D -m 0644 "$F/slipway-ssh-hostkeys.service" /etc/systemd/system/slipway-ssh-hostkeys.service
install -D -m 0440 "$F/sudoers-slipway-deploy" /etc/sudoers.d/slipway-deploy
visudo -cf /etc/sudoers.d/slipway-deploy >/dev/null
systemctl enable slipway-ssh-hostkeys.service ssh.service nginx.service docker.service >/dev/null

# Units that have nothing to do in a container and would leave the system "degraded".
systemctl mask getty@tty1.service console-getty.service systemd-udevd.service systemd-udevd-control.socket \
  systemd-udevd-kernel.socket systemd-udev-trigger.service systemd-modules-load.service \
  systemd-remount-fs.service sys-kernel-debug.mount sys-kernel-tracing.mount dev-hugepages.mount \
  systemd-sysctl.service systemd-firstboot.service >/dev/null 2>&1 || true

# Host keys and machine id are made per container at boot, not baked into the image.
rm -f /etc/ssh/ssh_host_*
: >/etc/machine-id
rm -f /var/lib/dbus/machine-id

# Users: deploy (docker group, passwordless sudo) and nosudo (no sudo rights); keys are installed by `sandbox up`.
# Password '*' = no password login, but the account is not "locked", so key logins work.
id deploy >/dev/null 2>&1 || useradd -m -s /bin/bash -G docker deploy
id nosudo >/dev/null 2>&1 || useradd -m -s /bin/bash nosudo
usermod -p '*' deploy
usermod -p '*' nosudo
install -d -m 0700 -o deploy -g deploy /home/deploy/.ssh
install -d -m 0700 -o nosudo -g nosudo /home/nosudo/.ssh
install -d -m 0755 /usr/local/share/slipway

echo 'LANG=C.UTF-8' >/etc/default/locale
rm -rf "$F"
