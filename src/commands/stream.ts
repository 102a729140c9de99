/**
 * A command's output into a file, a file into a command, and a two-stage pipe, as fixed POSIX sh scripts that take
 * every path and each command's argv as positional parameters (the backup recipes' dumps and restores). The scripts
 * are constants, so remote/privilege.ts can recognize them and plan each command inside on its own (in helper mode a
 * `docker exec` there goes through the docker gate, D74) while the redirections stay the caller's. Pure.
 */

/** `exec "$@" > FILE`, the file created 0600. */
export const TO_FILE = 'umask 077; f=$1; shift; exec "$@" > "$f"';
/** `exec "$@" < FILE`. */
export const FROM_FILE = 'f=$1; shift; exec "$@" < "$f"';
/**
 * `first | second` with STATUS INPUT OUTPUT N, then first's N words, then second's. dash has no `pipefail`: the first
 * stage's failure is written to STATUS and reported; an empty INPUT/OUTPUT is no redirection. `first` keeps its
 * first N parameters with the rotate idiom (no eval), `second` drops them.
 */
export const PIPE = [
  "set -e",
  "umask 077",
  "status=$1 input=$2 output=$3 n=$4",
  "shift 4",
  'rm -f "$status"',
  'first() { i=0; for a do i=$((i + 1)); shift; if [ "$i" -le "$n" ]; then set -- "$@" "$a"; fi; done; "$@"; }',
  'second() { shift "$n"; "$@"; }',
  '{ if [ -n "$input" ]; then first "$@" < "$input"; else first "$@"; fi || echo "$?" > "$status"; } |',
  '  if [ -n "$output" ]; then second "$@" > "$output"; else second "$@"; fi',
  'if [ -s "$status" ]; then rc=$(cat "$status"); rm -f "$status"; echo "$1 exited with status $rc" >&2; exit 1; fi',
].join("\n");

/** `producer > out` (0600). */
export function toFileArgv(producer: readonly string[], out: string): string[] {
  return ["sh", "-c", TO_FILE, "sh", out, ...producer];
}

/** `consumer < input`. */
export function fromFileArgv(consumer: readonly string[], input: string): string[] {
  return ["sh", "-c", FROM_FILE, "sh", input, ...consumer];
}

/** `first [< input] | second [> output]` (0600); fails when either stage fails (see PIPE). */
export function pipeArgv(
  first: readonly string[],
  second: readonly string[],
  io: { input?: string; output?: string; statusFile: string },
): string[] {
  return [
    "sh",
    "-c",
    PIPE,
    "sh",
    io.statusFile,
    io.input ?? "",
    io.output ?? "",
    String(first.length),
    ...first,
    ...second,
  ];
}

/** The commands inside a stream script and the script rebuilt around (re-planned) commands of the same roles. */
export interface StreamParts {
  commands: string[][];
  rebuild(commands: readonly (readonly string[])[]): string[];
}

/** The parts of a TO_FILE / FROM_FILE / PIPE argv; undefined for any other argv. */
export function streamParts(argv: readonly string[]): StreamParts | undefined {
  if (argv[0] !== "sh" || argv[1] !== "-c" || argv[3] !== "sh") return undefined;
  const script = argv[2];
  if (script === TO_FILE || script === FROM_FILE) {
    const file = argv[4] ?? "";
    return {
      commands: [argv.slice(5)],
      rebuild: ([command = []]) => ["sh", "-c", script, "sh", file, ...command],
    };
  }
  if (script !== PIPE) return undefined;
  const [statusFile = "", input = "", output = "", count = "0"] = argv.slice(4, 8);
  const n = Number(count);
  return {
    commands: [argv.slice(8, 8 + n), argv.slice(8 + n)],
    rebuild: ([first = [], second = []]) =>
      pipeArgv(first, second, { statusFile, ...(input ? { input } : {}), ...(output ? { output } : {}) }),
  };
}
