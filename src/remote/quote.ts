/**
 * The one POSIX-sh quoting function. Every remote command is an argv array joined by shJoin; nothing else builds
 * shell strings. Single quotes are the only quoting that is identical in dash, bash, busybox ash and zsh: inside them
 * every byte is literal, and a single quote itself is written as '\'' (close, escaped quote, reopen).
 */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shQuote(arg: string): string {
  if (arg.includes("\0")) throw new Error("a shell argument cannot contain a NUL byte");
  if (arg !== "" && SAFE.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

export function shJoin(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error("an empty command cannot be run");
  return argv.map(shQuote).join(" ");
}
