/**
 * Builds the exact string sent over SSH for one argv, and parses what the wrapper writes back. Pure.
 *
 * Every command runs as `/bin/sh -c '<report pgid>; [cd DIR &&] exec [sudo -n -u USER --] [env K=V] argv'`. sshd
 * starts each session's shell in a session and process group of its own (session.c calls setsid() in the child), so
 * the wrapper reports that group's id, read from /proc/$$/stat, first on stderr, and a timeout kills the whole group
 * (background children included) instead of leaving orphans when the channel closes. `exec`: the command replaces
 * the wrapper, no fork (a process start is ~7 ms of CPU on the sandbox's 2-core VM, 50 `/bin/true` in 0.35 s; the
 * old `setsid -w` and its forking shell were two more per command). sudo runs the argv itself (not a shell), so a narrow sudoers rule such as
 * `deploy ALL=(root) NOPASSWD: /usr/bin/systemctl` works.
 */
import { shJoin, shQuote } from "./quote.js";

export const PGID_MARKER = "SLIPWAY-PGID";

export interface CommandShape {
  become?: boolean;
  becomeUser?: string;
  cwd?: string;
  env?: Record<string, string>;
}

/** The argv as it will run (sudo and env applied), before the process-group wrapper. */
export function effectiveArgv(argv: readonly string[], shape: CommandShape): string[] {
  if (argv.length === 0) throw new Error("an empty command cannot be run");
  const envEntries = Object.entries(shape.env ?? {});
  for (const [key] of envEntries) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`invalid environment variable name: ${key}`);
  }
  const withEnv = envEntries.length > 0 ? ["env", ...envEntries.map(([k, v]) => `${k}=${v}`), ...argv] : [...argv];
  return shape.become ? ["sudo", "-n", "-u", shape.becomeUser ?? "root", "--", ...withEnv] : withEnv;
}

/** `cd DIR && ` when the shape has a working directory, else nothing. */
const cdPrefix = (shape: CommandShape): string => (shape.cwd ? `cd ${shQuote(shape.cwd)} && ` : "");

/** The inner shell line: optional cd, then the quoted argv (what the user is shown). */
export function innerCommand(argv: readonly string[], shape: CommandShape): string {
  return cdPrefix(shape) + shJoin(effectiveArgv(argv, shape));
}

/**
 * The wrapper's first line: the process group id (field 5 of /proc/$$/stat, after the parenthesised name; shell
 * builtins only, no process started), `$$` when /proc cannot be read.
 */
const REPORT_PGID = `{ read -r l < /proc/$$/stat; } 2>/dev/null; set -- \${l##*) }; printf '${PGID_MARKER} %s\\n' "\${3:-$$}" >&2`;

/** The full string for ssh exec. */
export function wrapCommand(argv: readonly string[], shape: CommandShape): string {
  return shJoin(["/bin/sh", "-c", `${REPORT_PGID}; ${cdPrefix(shape)}exec ${shJoin(effectiveArgv(argv, shape))}`]);
}

/**
 * Splits the wrapper's first stderr line from the command's own stderr. Returns null while the marker line is
 * incomplete; `pgid` is null when the output does not start with the marker (the wrapper failed to start).
 */
export function splitPgidMarker(stderrStart: Buffer): { pgid: number | null; rest: Buffer } | null {
  const prefix = Buffer.from(`${PGID_MARKER} `);
  const probe = stderrStart.subarray(0, prefix.length);
  if (!prefix.subarray(0, probe.length).equals(probe)) return { pgid: null, rest: stderrStart };
  const newline = stderrStart.indexOf(0x0a);
  if (newline === -1) return null;
  const value = stderrStart.subarray(prefix.length, newline).toString("latin1");
  const pgid = /^\d+$/.test(value) ? Number(value) : null;
  return { pgid, rest: stderrStart.subarray(newline + 1) };
}

/**
 * Ends a process group: TERM, wait up to 2 s, then KILL; exits 1 if a process of the group is still alive. With become,
 * the group's processes run as another user, so the signals are also sent through `sudo -n -u USER -- kill` (best
 * effort: without that sudoers rule only the login user's processes can be signalled, and the exit status says so).
 */
export const KILL_GROUP_SCRIPT = [
  // dash's kill builtin takes no "--" (a negative pid after the signal is a group); procps kill under sudo does.
  'pg=$1; as=$2; sig() { kill "-$1" "-$pg" 2>/dev/null; [ -z "$as" ] || sudo -n -u "$as" -- kill "-$1" -- "-$pg" 2>/dev/null; }',
  // Alive = a process of the group that is not a zombie, read from /proc (works for other users' processes too).
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
  'alive() { for f in /proc/[0-9]*/stat; do { read -r l < "$f"; } 2>/dev/null || continue; set -- ${l##*) }; [ "$3" = "$pg" ] && [ "$1" != Z ] && return 0; done; return 1; }',
  "sig TERM; n=0",
  'while [ "$n" -lt 20 ] && alive; do sleep 0.1; n=$((n + 1)); done',
  "alive && { sig KILL; sleep 0.2; }",
  "alive && exit 1",
  "exit 0",
].join("\n");

export function killGroupCommand(pgid: number, becomeUser: string | null): string {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`refusing to kill process group ${pgid}`);
  return shJoin(["/bin/sh", "-c", KILL_GROUP_SCRIPT, "slipway-kill", String(pgid), becomeUser ?? ""]);
}
