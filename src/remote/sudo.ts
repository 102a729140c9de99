/**
 * Recognising sudo's own failures (as opposed to the command's) and saying which sudoers rule is missing. Pure.
 */

export type SudoFailure = "password-required" | "not-allowed" | "not-in-sudoers" | "no-tty";

/** sudo writes its refusals as `sudo: ...` lines and exits 1 before running anything. */
export function recognizeSudoFailure(exitCode: number | null, stderr: string): SudoFailure | null {
  if (exitCode !== 1) return null;
  const first = stderr.trimStart().split("\n", 1)[0] ?? "";
  if (!first.startsWith("sudo:")) return null;
  if (/a password is required/i.test(first)) return "password-required";
  if (/a terminal is required|no tty present/i.test(first)) return "no-tty";
  if (/is not in the sudoers file/i.test(first)) return "not-in-sudoers";
  if (/is not allowed to (execute|run)|may not run/i.test(first)) return "not-allowed";
  return null;
}

/** The sudoers line that would let `user` run `commandPath` as `runAs` without a password. */
export function sudoersRule(user: string, runAs: string, commandPath: string): string {
  return `${user} ALL=(${runAs}) NOPASSWD: ${commandPath}`;
}

export function sudoHint(user: string, runAs: string, commandPath: string): string {
  return (
    `sudo asked ${user} for a password (Slipway runs sudo -n and never types one). Add a NOPASSWD rule on the host ` +
    `with \`visudo -f /etc/sudoers.d/slipway-user-${user}\`: ${sudoersRule(user, runAs, commandPath)}` +
    ` (or ${sudoersRule(user, runAs, "ALL")} to allow every command)`
  );
}
