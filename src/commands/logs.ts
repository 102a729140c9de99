/**
 * `slipway logs` and `slipway exec` on a host: the log query (tail, since, follow) that journalArgv and
 * containerLogsArgv take, a follower that ends when its stdin closes (so Ctrl-C on the runner ends every remote follower), and the one-off command in a systemd
 * service's release directory with its env file, or in its container.
 */

export interface LogQuery {
  /** Last lines to show (journalctl -n, docker logs --tail); undefined: the tool's default. */
  lines?: number;
  /** Only entries newer than this many seconds. */
  sinceSeconds?: number;
  follow?: boolean;
  /** Each line with its time (journalctl -o short-iso, docker logs --timestamps): what `slipway logs` shows. */
  timestamps?: boolean;
}

/** The journal's builder is commands/systemd.ts journalArgv, docker's commands/docker.ts containerLogsArgv. */

/**
 * Runs `argv` in the background and ends it when the command's stdin closes: a `-f` follower stops when the runner
 * closes stdin (Ctrl-C), not when the SSH channel happens to be torn down.
 */
export function untilStdinClosesArgv(argv: readonly string[]): string[] {
  return ["sh", "-c", UNTIL_STDIN_CLOSES, "sh", ...argv];
}

/** `sh -c` script of untilStdinClosesArgv (remote/privilege.ts recognizes it to plan the command inside). */
export const UNTIL_STDIN_CLOSES =
  '"$@" </dev/null & p=$!; cat >/dev/null; kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; exit 0';

/**
 * `argv` as `user` in `dir` with the variables of a systemd EnvironmentFile (render/systemd.ts writes them
 * double-quoted with the escapes sh undoes). Run as root: the env file is root's to read, as it is for systemd;
 * runuser keeps the environment. Exit 126 when the file or directory is missing.
 */
export function inReleaseArgv(envFile: string, dir: string, user: string, argv: readonly string[]): string[] {
  return [
    "sh",
    "-c",
    '[ -r "$1" ] || exit 126; set -a; . "$1"; set +a; cd "$2" || exit 126; u=$3; shift 3; exec runuser -u "$u" -- "$@"',
    "sh",
    envFile,
    dir,
    user,
    ...argv,
  ];
}

/** `docker exec -i [-t] <container> argv...` (the container already has its env file's variables). */
export function dockerExecArgv(container: string, argv: readonly string[], tty = false): string[] {
  return ["docker", "exec", "-i", ...(tty ? ["-t"] : []), container, ...argv];
}
