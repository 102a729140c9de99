/**
 * The few small sh scripts a backup needs (redirecting to a file, a two-stage pipe, writing a 0600 secret file).
 * Every command inside them is an argv quoted by shJoin; the scripts only add redirections and status checks, and take
 * paths as quoted words. They are POSIX sh (dash has no `pipefail`, so a pipe records its first stage's status).
 */
import { shJoin, shQuote } from "../remote/quote.js";

/** `producer > out`, the file created 0600. */
export function toFileScript(producer: readonly string[], out: string): string[] {
  return ["sh", "-c", `umask 077; exec ${shJoin(producer)} > ${shQuote(out)}`];
}

/** `consumer < input`: feeds a backup file to a restore tool (which may run in a container or as another user). */
export function fromFileScript(consumer: readonly string[], input: string): string[] {
  return ["sh", "-c", `exec ${shJoin(consumer)} < ${shQuote(input)}`];
}

/**
 * `first | second`, optionally reading `input` and writing `output` (0600). Fails when either stage fails: the first
 * stage's exit status goes to `<statusFile>` because POSIX sh reports only the last stage's.
 */
export function pipeScript(
  first: readonly string[],
  second: readonly string[],
  io: { input?: string; output?: string; statusFile: string },
): string[] {
  const status = shQuote(io.statusFile);
  const input = io.input === undefined ? "" : ` < ${shQuote(io.input)}`;
  const output = io.output === undefined ? "" : ` > ${shQuote(io.output)}`;
  const script = [
    "set -e",
    "umask 077",
    `rm -f ${status}`,
    `{ ${shJoin(first)}${input} || echo "$?" > ${status}; } | ${shJoin(second)}${output}`,
    `if [ -s ${status} ]; then rc=$(cat ${status}); rm -f ${status}; echo "${first[0]} exited with status $rc" >&2; exit 1; fi`,
  ].join("\n");
  return ["sh", "-c", script];
}

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
