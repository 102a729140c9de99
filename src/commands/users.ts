/**
 * Pure argv builders of system accounts: the playbook `user` module's useradd/usermod/userdel, and the deploy's
 * dedicated app user (runtime systemd). remote/privilege.ts recognizes the app-user script by its `useradd --system`.
 */

/** Exit 0 and the passwd line when the user exists. */
export function userExistsArgv(name: string): string[] {
  return ["getent", "passwd", name];
}

/** The user's groups, space separated. */
export function userGroupsArgv(name: string): string[] {
  return ["id", "-nG", name];
}

/** `getent passwd` says whether $1 exists; `useradd --system` creates it (its own group, no home, no login shell). */
export const ENSURE_USER_SCRIPT =
  'getent passwd "$1" >/dev/null && exit 0; useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin -- "$1"';

export function ensureUserArgv(name: string): string[] {
  return ["sh", "-c", ENSURE_USER_SCRIPT, "sh", name];
}

export interface NewUser {
  name: string;
  shell: string;
  home?: string | undefined;
  system?: boolean;
  groups?: readonly string[];
}

/** `useradd --create-home` with the shell, and the home, `--system` and supplementary groups when given. */
export function addUserArgv(user: NewUser): string[] {
  const groups = user.groups ?? [];
  return [
    "useradd",
    "--create-home",
    "--shell",
    user.shell,
    ...(user.home ? ["--home-dir", user.home] : []),
    ...(user.system ? ["--system"] : []),
    ...(groups.length ? ["--groups", groups.join(",")] : []),
    "--",
    user.name,
  ];
}

export function removeUserArgv(name: string): string[] {
  return ["userdel", "--", name];
}

export function setShellArgv(name: string, shell: string): string[] {
  return ["usermod", "--shell", shell, "--", name];
}

/** Adds supplementary groups, keeping the ones the user has. */
export function addGroupsArgv(name: string, groups: readonly string[]): string[] {
  return ["usermod", "--append", "--groups", groups.join(","), "--", name];
}

/**
 * What root mode needs of the SSH user, one `key=value` line each: `uid=<n>`, `sudo=ok|no` (`sudo -n true`: NOPASSWD),
 * `helper=yes|no` ($1, the privilege helper helper-mode bootstrap installs: a host bootstrapped for helper mode), and
 * with $2 = 1 `docker=ok|no` (the daemon reached without sudo: delivery pulls and loads as the SSH user).
 */
export const ROOT_MODE_PROBE_SCRIPT = `echo "uid=$(id -u)"
if sudo -n true 2>/dev/null; then echo sudo=ok; else echo sudo=no; fi
if [ -x "$1" ]; then echo helper=yes; else echo helper=no; fi
[ "$2" = 1 ] || exit 0
if docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then echo docker=ok; else echo docker=no; fi`;

export function rootModeProbeArgv(helperPath: string, needsDocker: boolean): string[] {
  return ["sh", "-c", ROOT_MODE_PROBE_SCRIPT, "sh", helperPath, needsDocker ? "1" : "0"];
}
