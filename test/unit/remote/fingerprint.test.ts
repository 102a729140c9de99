import { describe, expect, it } from "vitest";
import {
  hostPattern,
  keyTypeOf,
  knownHostsLine,
  normalizeFingerprint,
  sha256Fingerprint,
} from "../../../src/remote/fingerprint.js";
import { ECDSA, ED25519, RSA } from "./keys.js";

describe("sha256Fingerprint", () => {
  // Expected values are what `ssh-keygen -lf` printed for these keys.
  it("matches ssh-keygen for ed25519, ecdsa and rsa keys", () => {
    expect(sha256Fingerprint(ED25519.blob)).toBe("SHA256:1uvNNSclQXkrFkaoTO2xnCkeuxa/8Svyd9h4x3dtC2k");
    expect(sha256Fingerprint(ECDSA.blob)).toBe("SHA256:b5vWPshRQfRMvzhrKrnK8kJvnun+dSVCF8o+lfbdHDY");
    expect(sha256Fingerprint(RSA.blob)).toBe("SHA256:Pmpa4uUaCyCLgv1r1/eig1GbClijhuYIOeGHkp89cO0");
  });
});

describe("keyTypeOf", () => {
  it("reads the type from the blob", () => {
    expect(keyTypeOf(ED25519.blob)).toBe("ssh-ed25519");
    expect(keyTypeOf(ECDSA.blob)).toBe("ecdsa-sha2-nistp256");
    expect(keyTypeOf(RSA.blob)).toBe("ssh-rsa");
  });

  it("rejects garbage", () => {
    expect(() => keyTypeOf(Buffer.from([0, 0]))).toThrow(/too short/);
    expect(() => keyTypeOf(Buffer.from([0xff, 0xff, 0xff, 0xff, 1]))).toThrow(/invalid/);
  });
});

describe("normalizeFingerprint", () => {
  it("accepts the prefixed, bare and padded forms", () => {
    const canonical = "SHA256:1uvNNSclQXkrFkaoTO2xnCkeuxa/8Svyd9h4x3dtC2k";
    expect(normalizeFingerprint(canonical)).toBe(canonical);
    expect(normalizeFingerprint(" 1uvNNSclQXkrFkaoTO2xnCkeuxa/8Svyd9h4x3dtC2k= ")).toBe(canonical);
    expect(normalizeFingerprint("sha256:1uvNNSclQXkrFkaoTO2xnCkeuxa/8Svyd9h4x3dtC2k")).toBe(canonical);
  });

  it("refuses MD5 and malformed fingerprints", () => {
    expect(() => normalizeFingerprint("MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48")).toThrow(/MD5/);
    expect(() => normalizeFingerprint("16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48")).toThrow(/MD5/);
    expect(() => normalizeFingerprint("SHA256:short")).toThrow(/not a SHA256/);
  });
});

describe("knownHostsLine", () => {
  it("writes port 22 bare and other ports bracketed", () => {
    expect(hostPattern("10.213.0.11", 22)).toBe("10.213.0.11");
    expect(hostPattern("10.213.0.11", 2222)).toBe("[10.213.0.11]:2222");
    expect(knownHostsLine("h", 22, ED25519.blob)).toBe(`h ssh-ed25519 ${ED25519.base64}`);
  });
});
