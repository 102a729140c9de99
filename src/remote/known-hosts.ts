/**
 * known_hosts parsing and matching, as OpenSSH does it: comma-separated host patterns with `*`/`?` wildcards and `!`
 * negation, `[host]:port` for non-22 ports, hashed names (`|1|base64 salt|base64 HMAC-SHA1(salt, name)`), and the
 * `@revoked` marker. `@cert-authority` lines are recognised but not used (Slipway pins host keys, not CAs). Pure.
 */
import { createHmac } from "node:crypto";
import { hostPattern } from "./fingerprint.js";

export interface KnownHostEntry {
  /** 1-based line in the source text, for messages. */
  line: number;
  marker: "revoked" | "cert-authority" | null;
  /** Either plain patterns or one hashed name. */
  hosts: { kind: "patterns"; patterns: string[] } | { kind: "hashed"; salt: Buffer; hash: Buffer };
  keyType: string;
  blob: Buffer;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const entry = parseLine(raw.trim(), index + 1);
    if (entry) entries.push(entry);
  });
  return entries;
}

function parseLine(text: string, line: number): KnownHostEntry | null {
  if (text === "" || text.startsWith("#")) return null;
  const fields = text.split(/\s+/);
  let marker: KnownHostEntry["marker"] = null;
  if (fields[0]?.startsWith("@")) {
    const name = fields.shift();
    if (name === "@revoked") marker = "revoked";
    else if (name === "@cert-authority") marker = "cert-authority";
    else return null;
  }
  const [hostField, keyType, keyBase64] = fields;
  if (!hostField || !keyType || !keyBase64) return null;
  const blob = Buffer.from(keyBase64, "base64");
  if (blob.length === 0) return null;
  return { line, marker, hosts: parseHosts(hostField), keyType, blob };
}

function parseHosts(field: string): KnownHostEntry["hosts"] {
  const hashed = /^\|1\|([^|]+)\|([^|]+)$/.exec(field);
  if (hashed?.[1] && hashed[2]) {
    return { kind: "hashed", salt: Buffer.from(hashed[1], "base64"), hash: Buffer.from(hashed[2], "base64") };
  }
  return { kind: "patterns", patterns: field.split(",").filter((p) => p !== "") };
}

/** Does this entry name `host` on `port`? (A negated pattern that matches excludes the entry, as in OpenSSH.) */
export function entryMatches(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = hostPattern(host, port);
  if (entry.hosts.kind === "hashed") {
    return createHmac("sha1", entry.hosts.salt).update(name).digest().equals(entry.hosts.hash);
  }
  let matched = false;
  for (const pattern of entry.hosts.patterns) {
    const negated = pattern.startsWith("!");
    const body = negated ? pattern.slice(1) : pattern;
    if (globMatches(body.toLowerCase(), name.toLowerCase())) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** The entries that apply to host:port, in file order. */
export function entriesFor(entries: readonly KnownHostEntry[], host: string, port: number): KnownHostEntry[] {
  return entries.filter((entry) => entryMatches(entry, host, port));
}

/** `|1|salt|hash` for a name, as `ssh-keygen -H` writes it (used by tests and by the TOFU pin message). */
export function hashKnownHostName(host: string, port: number, salt: Buffer): string {
  const hash = createHmac("sha1", salt).update(hostPattern(host, port)).digest();
  return `|1|${salt.toString("base64")}|${hash.toString("base64")}`;
}

function globMatches(pattern: string, text: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replaceAll("*", ".*")
    .replaceAll("?", ".");
  return new RegExp(`^${regex}$`).test(text);
}
