/**
 * The few small sh scripts a backup needs (redirecting to a file, a two-stage pipe, writing a 0600 secret file).
 * Every path and command reaches them as positional parameters (never inside the script text); the scripts only add
 * redirections and status checks. They are POSIX sh (dash has no `pipefail`, so a pipe records its first stage's
 * status).
 */

/**
 * `producer > out` (0600), `consumer < input` and `first | second` (a first stage's failure too): the scripts of
 * commands/stream.ts, whose commands the privilege layer plans on their own (a `docker exec` through the helper's
 * docker gate in helper mode, D74).
 */
export {
  fromFileArgv as fromFileScript,
  pipeArgv as pipeScript,
  toFileArgv as toFileScript,
} from "../commands/stream.js";

/**
 * Writes stdin to a new file readable only by its owner. `set -C` refuses to follow or overwrite an existing file (a
 * planted symlink in /tmp cannot redirect the secret). The path is a positional parameter, not part of the script.
 */
export function writeSecretArgv(prefix: readonly string[], path: string): string[] {
  return [...prefix, "sh", "-c", 'umask 077; set -C; cat > "$1"', "sh", path];
}

export function removeFileArgv(prefix: readonly string[], path: string): string[] {
  return [...prefix, "rm", "-f", "--", path];
}
