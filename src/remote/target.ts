/**
 * What Slipway needs to reach one host, and the knobs shared by every connection of a run.
 */
import type { HostKeyPins } from "./host-key-policy.js";
import type { OutputStream } from "./lines.js";
import type { PrivilegeContext } from "./privilege.js";
import type { Redactor } from "./redact.js";

export interface TargetSpec extends HostKeyPins {
  /** Inventory name: what logs and errors show. */
  name: string;
  host: string;
  /** Default 22. */
  port?: number;
  user: string;
  /** Private key text (PEM or OpenSSH format). One of privateKey / privateKeyPath / agentSocket is required. */
  privateKey?: string | Buffer;
  privateKeyPath?: string;
  /** Passphrase of an encrypted key (the CLI reads SLIPWAY_SSH_PASSPHRASE); never prompted for. */
  passphrase?: string;
  /** ssh-agent's socket (SSH_AUTH_SOCK): used when no key is configured or the configured one is encrypted. */
  agentSocket?: string;
  /** Reach this host through another one (an SSH `direct-tcpip` channel, like `ssh -J`); checked with its own pins. */
  jump?: TargetSpec;
  /** Default user for `become` (default root). */
  becomeUser?: string;
  /** How `become` commands run: plain sudo (root mode, the default) or the privilege helper (src/remote/privilege.ts). */
  privilege?: PrivilegeContext;
  /** TCP connect + SSH handshake limit per attempt. Default 20 s. */
  connectTimeoutMs?: number;
}

export interface OutputLine {
  host: string;
  stream: OutputStream;
  /** Already redacted. */
  line: string;
}

export interface ConnectOptions {
  /** Masks secrets in streamed lines, error messages and command texts. */
  redactor?: Redactor;
  /** Every line of every command's output, as it arrives (print it with formatHostLine). */
  onLine?: (event: OutputLine) => void;
  /** Running in CI: trust-on-first-use is refused. Default: `CI=true` in the environment. */
  ci?: boolean;
  /** Warnings (trust-on-first-use). Default: written to stderr. */
  warn?: (message: string) => void;
  /** Extra connection attempts after the first for connection failures (refused, unreachable, timeout). Default 2. */
  retries?: number;
  /** First backoff delay; doubled after each failed attempt. Default 500 ms. */
  retryDelayMs?: number;
  /** Keepalive probe interval. Default 15 s; the connection is dropped after keepaliveCountMax unanswered probes. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Concurrent commands per connection (sshd's MaxSessions defaults to 10). Default 8. */
  maxChannels?: number;
}

export const DEFAULTS = {
  port: 22,
  connectTimeoutMs: 20_000,
  retries: 2,
  retryDelayMs: 500,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 3,
  maxChannels: 8,
} as const;

/** Identity of a connection: same user, host, port and route means the same connection. */
export function targetKey(target: TargetSpec): string {
  const self = `${target.user}@${target.host}:${target.port ?? DEFAULTS.port}`;
  return target.jump ? `${self} via ${targetKey(target.jump)}` : self;
}
