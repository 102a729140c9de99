/**
 * Classifying connection failures (retry or not) and turning them into ConnectionErrors with a next step. Pure.
 */
import { ConnectionError } from "../errors.js";
import { hostPattern } from "./fingerprint.js";

/** Failures where nothing ran on the host yet and trying again may help. Auth and host key failures are final. */
const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "EPIPE",
]);

export interface ErrorLike {
  message?: string;
  code?: unknown;
  level?: unknown;
}

export function isTransientConnectError(error: unknown): boolean {
  const e = (error ?? {}) as ErrorLike;
  if (e.level === "client-authentication") return false;
  if (typeof e.code === "string" && TRANSIENT_CODES.has(e.code)) return true;
  if (e.level === "client-timeout") return true;
  const message = e.message ?? "";
  return /Timed out while waiting for handshake|No response from server|Connection lost before handshake|Channel open failure: (Connection refused|open failed)|read ECONNRESET/i.test(
    message,
  );
}

export function isAuthFailure(error: unknown): boolean {
  const e = (error ?? {}) as ErrorLike;
  return e.level === "client-authentication" || /All configured authentication methods failed/i.test(e.message ?? "");
}

export interface KeyDescription {
  /** Where the key came from: a path, or "inline key". */
  source: string;
  /** `ssh-ed25519 SHA256:...` when the key could be parsed. */
  fingerprint: string | null;
}

export interface ConnectFailureContext {
  name: string;
  host: string;
  port: number;
  user: string;
  key: KeyDescription;
  attempts: number;
  via?: string;
}

export function connectionError(error: unknown, ctx: ConnectFailureContext): ConnectionError {
  const e = (error ?? {}) as ErrorLike;
  const where = `${ctx.user}@${hostPattern(ctx.host, ctx.port)}${ctx.via ? ` via ${ctx.via}` : ""}`;
  const reason = e.message ?? String(error);
  const keyText = `${ctx.key.source}${ctx.key.fingerprint ? ` (${ctx.key.fingerprint})` : ""}`;
  if (isAuthFailure(error)) {
    return new ConnectionError(`permission denied (publickey) for ${where}`, {
      host: ctx.name,
      step: "connect",
      cause: error,
      hint:
        `the host refused user "${ctx.user}" with key ${keyText}. Check that the user exists and that this key's ` +
        `public half is in ~${ctx.user}/.ssh/authorized_keys on ${ctx.host} (ssh-keygen -y -f KEY prints it), ` +
        "or point inventory.ssh.identity_file (or the host's identity_file) at the key that is; a host bootstrapped " +
        "with another key accepts only that one",
    });
  }
  const attempts = ctx.attempts > 1 ? ` after ${ctx.attempts} attempts` : "";
  let hint = "check that the host is up, sshd listens on that port and no firewall blocks it";
  if (e.code === "ENOTFOUND" || e.code === "EAI_AGAIN")
    hint = `check the host name "${ctx.host}" (DNS did not resolve it)`;
  else if (e.level === "client-timeout" || /Timed out/i.test(reason))
    hint = "the host did not answer in time: check the address, the network path and connectTimeoutMs";
  else if (/Channel open failure/i.test(reason) && ctx.via)
    hint = `the jump host ${ctx.via} could not open a TCP connection to ${hostPattern(ctx.host, ctx.port)}: check the address as seen from the jump host`;
  return new ConnectionError(`cannot connect to ${where}${attempts}: ${reason}`, {
    host: ctx.name,
    step: "connect",
    cause: error,
    hint,
  });
}

/** Delay before retry number `attempt` (1-based): base, 2×base, 4×base... with ±20% jitter so hosts do not sync up. */
export function backoffDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const exact = baseMs * 2 ** (attempt - 1);
  return Math.round(exact * (0.8 + 0.4 * random()));
}
