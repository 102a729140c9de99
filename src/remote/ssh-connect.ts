/**
 * Opens one authenticated, host-key-verified SSH connection with node-ssh (ssh2), retrying only connection failures.
 */
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { NodeSSH } from "node-ssh";
import type { HostKeyError } from "../errors.js";
import { backoffDelay, connectionError, isTransientConnectError } from "./connect-errors.js";
import {
  decideHostKey,
  type HostKeyVerdict,
  hostKeyError,
  pinnedHostKeyAlgorithms,
  trustOnFirstUseWarning,
} from "./host-key-policy.js";
import { type LoadedKey, loadPrivateKey } from "./ssh-key.js";
import { type ConnectOptions, DEFAULTS, type TargetSpec } from "./target.js";

/** known_hosts lines of keys accepted by trust-on-first-use, per target, for reconnects within this process. */
const trustedOnFirstUse = new WeakMap<TargetSpec, string>();

/** Provides the transport for a connection through a jump host (a fresh channel per attempt). */
export type SocketFactory = () => Promise<NodeJS.ReadableStream & NodeJS.WritableStream>;

export async function openSsh(
  target: TargetSpec,
  options: ConnectOptions,
  viaJump?: { name: string; open: SocketFactory },
): Promise<NodeSSH> {
  const key = await loadPrivateKey(target, options.warn ?? defaultWarn);
  const port = target.port ?? DEFAULTS.port;
  const retries = options.retries ?? DEFAULTS.retries;
  let lastError: unknown;
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    if (attempt > 1) await sleep(backoffDelay(attempt - 1, options.retryDelayMs ?? DEFAULTS.retryDelayMs));
    const outcome = await attemptOnce(target, port, key, options, viaJump);
    if (outcome.ok) return outcome.ssh;
    if (outcome.hostKeyError) throw outcome.hostKeyError;
    lastError = outcome.error;
    if (!isTransientConnectError(outcome.error)) {
      throw connectionError(outcome.error, ctx(target, port, key, attempt, viaJump?.name));
    }
  }
  throw connectionError(lastError, ctx(target, port, key, retries + 1, viaJump?.name));
}

function ctx(target: TargetSpec, port: number, key: LoadedKey, attempts: number, via?: string) {
  return { name: target.name, host: target.host, port, user: target.user, key: key.description, attempts, via };
}

type Outcome = { ok: true; ssh: NodeSSH } | { ok: false; error: unknown; hostKeyError?: HostKeyError };

async function attemptOnce(
  target: TargetSpec,
  port: number,
  key: LoadedKey,
  options: ConnectOptions,
  viaJump?: { name: string; open: SocketFactory },
): Promise<Outcome> {
  let verdict: HostKeyVerdict | undefined;
  const verify = (blob: Buffer): boolean => {
    // A key trusted on first use is pinned for the rest of the process: a reconnect must present the same key.
    const learned = trustedOnFirstUse.get(target);
    const pins = learned ? { knownHosts: learned } : target;
    verdict = decideHostKey(pins, target.host, port, blob, options.ci ?? process.env.CI === "true");
    if (verdict.accept && verdict.how === "trust-on-first-use") {
      trustedOnFirstUse.set(target, verdict.pinLine);
      const warning = trustOnFirstUseWarning(target.name, target.host, port, blob, target.knownHostsFile);
      (options.warn ?? defaultWarn)(warning);
    }
    return verdict.accept;
  };
  const algorithms = pinnedHostKeyAlgorithms(target, target.host, port);
  const ssh = new NodeSSH();
  try {
    const sock = viaJump ? await viaJump.open() : undefined;
    const connecting = ssh.connect({
      host: target.host,
      port,
      username: target.user,
      // The configured key, or ssh-agent when no key is configured or it holds the encrypted one (ssh-key.ts);
      // never other keys found on the machine running Slipway.
      privateKey: key.text,
      passphrase: key.passphrase,
      agent: key.agent,
      tryKeyboard: false,
      readyTimeout: target.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      keepaliveInterval: options.keepaliveIntervalMs ?? DEFAULTS.keepaliveIntervalMs,
      keepaliveCountMax: options.keepaliveCountMax ?? DEFAULTS.keepaliveCountMax,
      hostVerifier: verify,
      ...(algorithms.length > 0 ? { algorithms: { serverHostKey: algorithms as never } } : {}),
      ...(sock ? { sock: sock as never } : {}),
    });
    // Nagle's algorithm holds back small packets until the previous ones are acknowledged, which with delayed ACKs
    // adds ~40 ms to every short command. node-ssh creates the ssh2 Client synchronously inside connect().
    const client = ssh.connection;
    if (sock) client?.setNoDelay(true);
    else client?.on("connect", () => client.setNoDelay(true));
    await connecting;
    // Recorded only once the handshake proved the server holds the key, so the next run checks it instead of trusting.
    if (verdict?.accept && verdict.how === "trust-on-first-use" && target.knownHostsFile) {
      await recordHostKey(target.knownHostsFile, verdict.pinLine);
    }
    return { ok: true, ssh };
  } catch (error) {
    ssh.dispose();
    if (verdict && !verdict.accept) {
      return {
        ok: false,
        error,
        hostKeyError: hostKeyError(target.name, target.host, port, verdict, target.knownHostsSearched),
      };
    }
    return { ok: false, error };
  }
}

/** Appends a known_hosts line (creating the file 0600 and its directory 0700 when missing). */
export async function recordHostKey(file: string, line: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const existing = await readFile(file, "utf8").catch(() => "");
  const separator = existing === "" || existing.endsWith("\n") ? "" : "\n";
  await appendFile(file, `${separator}${line}\n`, { mode: 0o600 });
}

function defaultWarn(message: string): void {
  process.stderr.write(`${message}\n`);
}
