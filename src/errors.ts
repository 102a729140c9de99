/**
 * Every failure Slipway reports is a SlipwayError: it names where it happened (host, step), what ran (command,
 * already redacted), what came back (exit code, stderr tail) and what the user should do next (hint).
 */
export interface ErrorContext {
  host?: string;
  step?: string;
  command?: string;
  exitCode?: number | null;
  stderrTail?: string;
  hint?: string;
  cause?: unknown;
}

export class SlipwayError extends Error {
  readonly host?: string;
  readonly step?: string;
  readonly command?: string;
  readonly exitCode?: number | null;
  readonly stderrTail?: string;
  readonly hint?: string;

  constructor(message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = new.target.name;
    this.host = context.host;
    this.step = context.step;
    this.command = context.command;
    this.exitCode = context.exitCode;
    this.stderrTail = context.stderrTail;
    this.hint = context.hint;
  }

  /** The multi-line form printed to users: what, where, the command, its stderr, what to do. */
  describe(): string {
    const where = [this.host && `host ${this.host}`, this.step && `step "${this.step}"`].filter(Boolean).join(", ");
    const lines = [where ? `${where}: ${this.message}` : this.message];
    if (this.command) lines.push(`  command: ${this.command}`);
    if (this.exitCode !== undefined) lines.push(`  exit code: ${this.exitCode ?? "none (killed by a signal)"}`);
    if (this.stderrTail) lines.push(`  stderr:\n${indent(this.stderrTail, "    ")}`);
    if (this.hint) lines.push(`  next: ${this.hint}`);
    return lines.join("\n");
  }
}

/** A command ran on a host and failed (non-zero exit, signal, or timeout). */
export class RemoteCommandError extends SlipwayError {}
/** The host could not be reached or authenticated against. */
export class ConnectionError extends SlipwayError {}
/** The host presented a key that does not match what is pinned. */
export class HostKeyError extends SlipwayError {}
/** A config or playbook file is invalid; the message carries file:line:col. */
export class ConfigError extends SlipwayError {}
/** A command line the CLI cannot act on: a flag value of the wrong shape, a flag on the wrong command. */
export class UsageError extends SlipwayError {}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");
}
