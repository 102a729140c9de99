/**
 * The client's key for one connection (D46): the configured private key (file or inline), decrypted with the
 * passphrase from `SLIPWAY_SSH_PASSPHRASE` when it is encrypted, or ssh-agent (`SSH_AUTH_SOCK`) holding it; ssh-agent
 * alone when no key is configured. Never a prompt (CI has no terminal). Each way a key cannot be used is a
 * ConnectionError saying what to do: an encrypted key with neither, a wrong passphrase, the `.pub` half given, a file
 * that is not a key. A key file others can read is used with a warning (ssh itself refuses it).
 */
import { readFile, stat } from "node:fs/promises";
import ssh2 from "ssh2";
import { ConnectionError } from "../errors.js";
import type { KeyDescription } from "./connect-errors.js";
import { keyTypeOf, sha256Fingerprint } from "./fingerprint.js";
import type { TargetSpec } from "./target.js";

/** The environment variable the passphrase of an encrypted `identity_file` is read from (docs/config.md). */
export const PASSPHRASE_ENV = "SLIPWAY_SSH_PASSPHRASE";

/** How the connection authenticates: a private key (with its passphrase) or the agent's socket. */
export interface LoadedKey {
  /** Private key text; absent when the agent signs. */
  text?: string;
  passphrase?: string;
  /** ssh-agent's socket (SSH_AUTH_SOCK) when the agent signs. */
  agent?: string;
  description: KeyDescription;
}

/** Key files already warned about in this process (a fleet connects many hosts with the same key). */
const warnedModes = new Set<string>();

/**
 * The key for `target`; `warn` receives the one warning (a key file readable by others). Throws ConnectionError
 * (step "connect") with a next step when no usable key is configured or the configured one cannot be used.
 */
export async function loadPrivateKey(target: TargetSpec, warn: (message: string) => void): Promise<LoadedKey> {
  const agent = target.agentSocket || undefined;
  const fail = (message: string, hint: string, cause?: unknown) =>
    new ConnectionError(message, { host: target.name, step: "connect", hint, ...(cause ? { cause } : {}) });
  let text: string;
  let source: string;
  if (target.privateKey !== undefined) {
    text = target.privateKey.toString();
    source = "inline key";
  } else if (target.privateKeyPath) {
    text = await readKeyFile(target.privateKeyPath, fail, warn);
    source = target.privateKeyPath;
  } else if (agent) {
    return { agent, description: { source: "ssh-agent (SSH_AUTH_SOCK)", fingerprint: null } };
  } else {
    throw fail(
      `no private key configured for ${target.user}@${target.host}`,
      "set inventory.ssh.identity_file (or the host's identity_file) to the private key whose public half is in the " +
        "server's authorized_keys, or private_key_secret to the variable holding it (CI), or load the key into " +
        "ssh-agent (ssh-add) so that SSH_AUTH_SOCK is set",
    );
  }
  const parsed = ssh2.utils.parseKey(text, target.passphrase);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error || key === undefined) {
    const reason = key?.message ?? "no key in it";
    if (/no passphrase given/i.test(reason)) {
      if (agent)
        return { agent, description: { source: `${source} via ssh-agent (SSH_AUTH_SOCK)`, fingerprint: null } };
      throw fail(
        `the private key ${source} is encrypted (passphrase-protected) and neither ${PASSPHRASE_ENV} nor ssh-agent is there to open it`,
        `export ${PASSPHRASE_ENV} with its passphrase (a CI secret), or add it to ssh-agent (ssh-add ${source}) so that ` +
          "SSH_AUTH_SOCK is set; or use a dedicated deploy key without a passphrase (in CI through private_key_secret). Slipway never prompts",
      );
    }
    if (/passphrase/i.test(reason)) {
      throw fail(
        `the passphrase in ${PASSPHRASE_ENV} does not open the private key ${source}`,
        `check the value of ${PASSPHRASE_ENV} (ssh-keygen -y -f ${source} asks for it and prints the public half)`,
      );
    }
    throw fail(
      `${source} is not a private key ssh can read (${reason})`,
      "point identity_file (or private_key_secret) at an OpenSSH or PEM private key, the file ssh-keygen wrote without .pub",
    );
  }
  if (!key.isPrivateKey()) {
    throw fail(
      `${source} is a public key (the .pub half), not the private key`,
      `point identity_file at the private half${source.endsWith(".pub") ? ` (${source.slice(0, -4)})` : ""}; the public half goes in the server's authorized_keys`,
    );
  }
  const blob = key.getPublicSSH();
  return {
    text,
    passphrase: target.passphrase,
    description: { source, fingerprint: `${keyTypeOf(blob)} ${sha256Fingerprint(blob)}` },
  };
}

async function readKeyFile(
  path: string,
  fail: (message: string, hint: string, cause?: unknown) => ConnectionError,
  warn: (message: string) => void,
): Promise<string> {
  try {
    const [text, info] = await Promise.all([readFile(path, "utf8"), stat(path)]);
    if ((info.mode & 0o077) !== 0 && !warnedModes.has(path)) {
      warnedModes.add(path);
      const mode = (info.mode & 0o777).toString(8).padStart(4, "0");
      warn(
        `warning: the private key ${path} is readable by others (mode ${mode}); ssh refuses such a key ("UNPROTECTED PRIVATE KEY FILE"): chmod 600 ${path}`,
      );
    }
    return text;
  } catch (error) {
    throw fail(
      `cannot read private key ${path}`,
      "check identity_file (it must be a file readable by the user running Slipway)",
      error,
    );
  }
}
