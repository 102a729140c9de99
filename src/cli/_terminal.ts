/**
 * The local terminal for `slipway exec -it`: its type and size for the remote pty, raw mode while the command runs
 * (every key, Ctrl-C included, goes to the remote program) and always restored afterwards.
 */
import type { InteractiveOptions } from "../remote/types.js";

export type LocalTerminal = Omit<InteractiveOptions, "become" | "becomeUser" | "step"> & { restore: () => void };

/**
 * Puts stdin in raw mode (when it is a terminal and `input` is asked) and describes stdout's terminal: $TERM
 * (xterm-256color when unset), rows and cols (24x80 when unknown), a SIGWINCH-driven resize subscription.
 * `restore()` leaves raw mode; it also runs on process exit, so an error or a signal cannot leave the terminal raw.
 */
export function openLocalTerminal(input: boolean): LocalTerminal {
  const stdin = process.stdin;
  const stdout = process.stdout;
  const raw = input && stdin.isTTY === true;
  const restore = () => {
    if (raw && stdin.isRaw) stdin.setRawMode(false);
    stdin.pause();
    process.off("exit", restore);
  };
  if (raw) stdin.setRawMode(true);
  process.on("exit", restore);
  if (input) stdin.resume();
  const onResize = (listener: (rows: number, cols: number) => void) => {
    const handler = () => listener(stdout.rows ?? 24, stdout.columns ?? 80);
    process.on("SIGWINCH", handler);
    return () => {
      process.off("SIGWINCH", handler);
    };
  };
  return {
    term: process.env.TERM || "xterm-256color",
    rows: stdout.rows ?? 24,
    cols: stdout.columns ?? 80,
    ...(input ? { stdin } : {}),
    stdout,
    stderr: process.stderr,
    onResize,
    restore,
  };
}
