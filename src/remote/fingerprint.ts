/**
 * SSH public key blobs (RFC 4253 wire format) and their OpenSSH SHA256 fingerprints. Pure: no I/O.
 */
import { createHash } from "node:crypto";

/** `SHA256:<unpadded base64 of sha256(blob)>`, the form `ssh-keygen -lf` prints for every key type. */
export function sha256Fingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** The key type named inside a blob (its first length-prefixed string), e.g. `ssh-ed25519`. */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) throw new Error("SSH key blob too short");
  const length = blob.readUInt32BE(0);
  if (length > blob.length - 4 || length > 64) throw new Error("SSH key blob has an invalid type field");
  return blob.subarray(4, 4 + length).toString("latin1");
}

/** Accepts `SHA256:abc`, `abc` or a padded `abc=`; returns the canonical `SHA256:abc` or throws on other forms (MD5). */
export function normalizeFingerprint(text: string): string {
  const trimmed = text.trim();
  if (/^MD5:|^([0-9a-f]{2}:){15}[0-9a-f]{2}$/i.test(trimmed)) {
    throw new Error(`MD5 fingerprints are not accepted (${trimmed}); pin the SHA256 form from \`ssh-keygen -lf\``);
  }
  const body = trimmed.replace(/^SHA256:/i, "").replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]{43}$/.test(body)) {
    throw new Error(`"${trimmed}" is not a SHA256 host key fingerprint (expected SHA256: and 43 base64 characters)`);
  }
  return `SHA256:${body}`;
}

/** The one-line known_hosts entry that pins this key for `host` (port 22 is written bare, others as `[host]:port`). */
export function knownHostsLine(host: string, port: number, blob: Buffer): string {
  return `${hostPattern(host, port)} ${keyTypeOf(blob)} ${blob.toString("base64")}`;
}

/**
 * How OpenSSH names a host in known_hosts: `host` for port 22, `[host]:port` otherwise, lowercased (ssh lowercases the
 * name before matching and hashing, so `|1|` entries for `web1.example.com` must match a target `Web1.Example.com`).
 */
export function hostPattern(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}
