/**
 * Deciding whether a presented host key is trusted. The decision is pure (tested by exact value); connect.ts installs
 * it as ssh2's hostVerifier on every connection (ssh2 accepts any key when no verifier is given: Slipway never does that).
 */
import { HostKeyError } from "../errors.js";
import { hostPattern, keyTypeOf, knownHostsLine, normalizeFingerprint, sha256Fingerprint } from "./fingerprint.js";
import { entriesFor, parseKnownHosts } from "./known-hosts.js";

export interface HostKeyPins {
  /** known_hosts text (plain, bracketed host:port and hashed entries). */
  knownHosts?: string;
  /** SHA256 fingerprints (`SHA256:...`) of acceptable keys, any key type. */
  fingerprints?: readonly string[];
  /**
   * Accept an unknown host's key (never a mismatching one), print a warning with the fingerprint, and append the key to
   * `knownHostsFile` so later runs check it. Refused in CI, whose runners start with an empty file every run.
   */
  trustOnFirstUse?: boolean;
  /** The known_hosts file `knownHosts` was read from: where trust-on-first-use records the learned key. */
  knownHostsFile?: string;
  /** Every known_hosts file `knownHosts` was searched in (named in the error when the key is not found there). */
  knownHostsSearched?: readonly string[];
}

export type HostKeyVerdict =
  | { accept: true; how: "known_hosts" | "fingerprint" | "trust-on-first-use"; presented: string; pinLine: string }
  | {
      accept: false;
      why: "mismatch" | "unknown" | "revoked" | "first-use-in-ci";
      presented: string;
      expected: string[];
      pinLine: string;
    };

/**
 * Whether to accept `blob`, the key host:port presented. `ci`: the run is in CI (CI=true), where trust on first use
 * would trust any key on every run and is refused.
 */
export function decideHostKey(pins: HostKeyPins, host: string, port: number, blob: Buffer, ci = false): HostKeyVerdict {
  const presented = sha256Fingerprint(blob);
  const pinLine = knownHostsLine(host, port, blob);
  const entries = entriesFor(parseKnownHosts(pins.knownHosts ?? ""), host, port);
  if (entries.some((entry) => entry.marker === "revoked" && entry.blob.equals(blob))) {
    return { accept: false, why: "revoked", presented, expected: [], pinLine };
  }
  const pinned = entries.filter((entry) => entry.marker === null);
  if (pinned.some((entry) => entry.blob.equals(blob))) return { accept: true, how: "known_hosts", presented, pinLine };
  const fingerprints = (pins.fingerprints ?? []).map(normalizeFingerprint);
  if (fingerprints.includes(presented)) return { accept: true, how: "fingerprint", presented, pinLine };
  const expected = [...pinned.map((entry) => `${entry.keyType} ${sha256Fingerprint(entry.blob)}`), ...fingerprints];
  if (expected.length > 0) return { accept: false, why: "mismatch", presented, expected, pinLine };
  if (pins.trustOnFirstUse && ci) return { accept: false, why: "first-use-in-ci", presented, expected: [], pinLine };
  if (pins.trustOnFirstUse) return { accept: true, how: "trust-on-first-use", presented, pinLine };
  return { accept: false, why: "unknown", presented, expected: [], pinLine };
}

/** Host key types ssh2 can verify; others pinned in known_hosts (e.g. sk-* keys) are left out of the negotiation. */
const SSH2_HOST_KEY_TYPES = new Set([
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "ssh-dss",
]);

/** Key types pinned in known_hosts for this host, as ssh2 serverHostKey algorithm names (so the server offers a
 * key we can check rather than another type we have no pin for). Empty: let ssh2 use its defaults. */
export function pinnedHostKeyAlgorithms(pins: HostKeyPins, host: string, port: number): string[] {
  if ((pins.fingerprints ?? []).length > 0) return [];
  const types = new Set(
    entriesFor(parseKnownHosts(pins.knownHosts ?? ""), host, port)
      .filter((entry) => entry.marker === null)
      .map((entry) => entry.keyType),
  );
  const algorithms: string[] = [];
  for (const type of types) {
    if (type === "ssh-rsa") algorithms.push("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa");
    else if (SSH2_HOST_KEY_TYPES.has(type)) algorithms.push(type);
  }
  return algorithms;
}

/** The warning printed when a key is accepted on first use. */
export function trustOnFirstUseWarning(name: string, host: string, port: number, blob: Buffer, file?: string): string {
  return [
    `WARNING: trusting ${name} (${hostPattern(host, port)}) on first use: its ${keyTypeOf(blob)} host key is ${sha256Fingerprint(blob)}${file ? ` (recorded in ${file})` : ""}.`,
    "  Anyone between you and the host could have presented this key. Verify it out of band, then pin it:",
    `    known_hosts: ${knownHostsLine(host, port, blob)}`,
    `    or fingerprint: ${sha256Fingerprint(blob)}`,
  ].join("\n");
}

/**
 * The error for a refused host key: what was presented, what is pinned, and how to pin it (`searched`: the known_hosts
 * files read, named so a user whose `ssh` works sees which file Slipway looked in).
 */
export function hostKeyError(
  name: string,
  host: string,
  port: number,
  verdict: HostKeyVerdict,
  searched: readonly string[] = [],
): HostKeyError {
  if (verdict.accept) throw new Error("hostKeyError called for an accepted key");
  const where = hostPattern(host, port);
  if (verdict.why === "mismatch") {
    return new HostKeyError(
      `host key mismatch for ${where}: the host presented ${verdict.presented} but ${verdict.expected.join(" or ")} is pinned`,
      {
        host: name,
        step: "connect",
        hint: `if the host was reinstalled or its key rotated on purpose, replace the pinned key with: ${verdict.pinLine} (verify it out of band first); otherwise someone may be intercepting the connection`,
      },
    );
  }
  if (verdict.why === "revoked") {
    return new HostKeyError(`host ${where} presented a revoked key ${verdict.presented}`, {
      host: name,
      step: "connect",
      hint: "the key is marked @revoked in known_hosts; give the host a new key and pin that",
    });
  }
  if (verdict.why === "first-use-in-ci") {
    return new HostKeyError(`trust_on_first_use is refused in CI (CI=true): ${where} presented ${verdict.presented}`, {
      host: name,
      step: "connect",
      hint: `a CI runner starts with an empty known_hosts on every run, so it would trust whatever key is presented each time; pin the key in known_hosts_file (${verdict.pinLine}) or host_keys (${verdict.presented}) after verifying it out of band`,
    });
  }
  const files = searched.length > 0 ? `searched ${searched.join(", ")} and inventory.ssh.host_keys; ` : "";
  const scan = port === 22 ? `ssh-keyscan ${host}` : `ssh-keyscan -p ${port} ${host}`;
  return new HostKeyError(`no pinned host key for ${where}; it presented ${verdict.presented}`, {
    host: name,
    step: "connect",
    hint: `${files}after verifying the key out of band (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on the host), pin it: add \`${verdict.pinLine}\` to known_hosts (\`${scan} >> ~/.ssh/known_hosts\`, or the file inventory.ssh.known_hosts_file names), or put ${verdict.presented} in inventory.ssh.host_keys, or set inventory.ssh.trust_on_first_use: true`,
  });
}
