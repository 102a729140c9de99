import { describe, expect, it } from "vitest";
import { HostKeyError } from "../../../src/errors.js";
import {
  decideHostKey,
  hostKeyError,
  pinnedHostKeyAlgorithms,
  trustOnFirstUseWarning,
} from "../../../src/remote/host-key-policy.js";
import { ECDSA, ED25519, HASHED_KNOWN_HOSTS, RSA } from "./keys.js";

const ED_FP = "SHA256:1uvNNSclQXkrFkaoTO2xnCkeuxa/8Svyd9h4x3dtC2k";
const EC_FP = "SHA256:b5vWPshRQfRMvzhrKrnK8kJvnun+dSVCF8o+lfbdHDY";
const RSA_FP = "SHA256:Pmpa4uUaCyCLgv1r1/eig1GbClijhuYIOeGHkp89cO0";
const ED_PIN = `h ssh-ed25519 ${ED25519.base64}`;

describe("decideHostKey", () => {
  it("accepts a key pinned in known_hosts", () => {
    expect(decideHostKey({ knownHosts: ED_PIN }, "h", 22, ED25519.blob)).toEqual({
      accept: true,
      how: "known_hosts",
      presented: ED_FP,
      pinLine: ED_PIN,
    });
  });

  it("accepts a hashed known_hosts entry", () => {
    const verdict = decideHostKey({ knownHosts: HASHED_KNOWN_HOSTS }, "10.213.0.11", 22, ED25519.blob);
    expect(verdict).toMatchObject({ accept: true, how: "known_hosts" });
  });

  it("accepts a pinned fingerprint of any key type", () => {
    expect(decideHostKey({ fingerprints: [EC_FP] }, "h", 22, ECDSA.blob)).toMatchObject({ how: "fingerprint" });
    expect(decideHostKey({ fingerprints: [RSA_FP.slice(7)] }, "h", 22, RSA.blob)).toMatchObject({ how: "fingerprint" });
  });

  it("refuses a different key, naming both fingerprints", () => {
    expect(decideHostKey({ knownHosts: ED_PIN, fingerprints: [RSA_FP] }, "h", 22, ECDSA.blob)).toEqual({
      accept: false,
      why: "mismatch",
      presented: EC_FP,
      expected: [`ssh-ed25519 ${ED_FP}`, RSA_FP],
      pinLine: `h ecdsa-sha2-nistp256 ${ECDSA.base64}`,
    });
  });

  it("never lets trust-on-first-use override a mismatch", () => {
    expect(decideHostKey({ knownHosts: ED_PIN, trustOnFirstUse: true }, "h", 22, ECDSA.blob)).toMatchObject({
      accept: false,
      why: "mismatch",
    });
  });

  it("refuses an unknown host unless trust-on-first-use is enabled", () => {
    expect(decideHostKey({}, "h", 22, ED25519.blob)).toMatchObject({ accept: false, why: "unknown" });
    expect(decideHostKey({ knownHosts: ED_PIN }, "other", 22, ED25519.blob)).toMatchObject({ why: "unknown" });
    expect(decideHostKey({ trustOnFirstUse: true }, "h", 22, ED25519.blob)).toMatchObject({
      accept: true,
      how: "trust-on-first-use",
    });
  });

  it("refuses a revoked key even when also pinned", () => {
    const text = `@revoked h ssh-ed25519 ${ED25519.base64}\n${ED_PIN}`;
    expect(decideHostKey({ knownHosts: text }, "h", 22, ED25519.blob)).toMatchObject({ why: "revoked" });
  });
});

describe("pinnedHostKeyAlgorithms", () => {
  it("asks the server for the pinned key types (rsa as its sha2 signature algorithms)", () => {
    const text = `${ED_PIN}\nh ssh-rsa ${RSA.base64}\nother ecdsa-sha2-nistp256 ${ECDSA.base64}`;
    expect(pinnedHostKeyAlgorithms({ knownHosts: text }, "h", 22)).toEqual([
      "ssh-ed25519",
      "rsa-sha2-512",
      "rsa-sha2-256",
      "ssh-rsa",
    ]);
  });

  it("leaves out key types ssh2 cannot verify", () => {
    const text = `h sk-ssh-ed25519@openssh.com ${ED25519.base64}\n${ED_PIN}`;
    expect(pinnedHostKeyAlgorithms({ knownHosts: text }, "h", 22)).toEqual(["ssh-ed25519"]);
    expect(pinnedHostKeyAlgorithms({ knownHosts: `h sk-ssh-ed25519@openssh.com ${ED25519.base64}` }, "h", 22)).toEqual(
      [],
    );
  });

  it("leaves the choice to ssh2 when fingerprints are pinned (their type is unknown)", () => {
    expect(pinnedHostKeyAlgorithms({ knownHosts: ED_PIN, fingerprints: [EC_FP] }, "h", 22)).toEqual([]);
  });
});

describe("messages", () => {
  it("a mismatch error shows both fingerprints and how to re-pin", () => {
    const verdict = decideHostKey({ knownHosts: ED_PIN }, "h", 22, ECDSA.blob);
    const error = hostKeyError("t1", "h", 22, verdict);
    expect(error).toBeInstanceOf(HostKeyError);
    expect(error.host).toBe("t1");
    expect(error.message).toBe(
      `host key mismatch for h: the host presented ${EC_FP} but ssh-ed25519 ${ED_FP} is pinned`,
    );
    expect(error.hint).toContain(`h ecdsa-sha2-nistp256 ${ECDSA.base64}`);
  });

  it("an unknown host error gives the fingerprint to pin", () => {
    const error = hostKeyError("t1", "h", 2222, decideHostKey({}, "h", 2222, ED25519.blob));
    expect(error.message).toBe(`no pinned host key for [h]:2222; it presented ${ED_FP}`);
    expect(error.hint).toContain(`[h]:2222 ssh-ed25519 ${ED25519.base64}`);
    expect(error.hint).toContain("inventory.ssh.trust_on_first_use: true");
    expect(error.hint).toContain("`ssh-keyscan -p 2222 h >> ~/.ssh/known_hosts`");
  });

  it("an unknown host error names the known_hosts files searched (D24: the user's ssh knows the host elsewhere)", () => {
    const verdict = decideHostKey({}, "h", 22, ED25519.blob);
    const error = hostKeyError("t1", "h", 22, verdict, ["/home/u/.ssh/known_hosts", "/etc/ssh/ssh_known_hosts"]);
    expect(error.hint).toBe(
      `searched /home/u/.ssh/known_hosts, /etc/ssh/ssh_known_hosts and inventory.ssh.host_keys; after verifying the key out of band (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on the host), pin it: add \`h ssh-ed25519 ${ED25519.base64}\` to known_hosts (\`ssh-keyscan h >> ~/.ssh/known_hosts\`, or the file inventory.ssh.known_hosts_file names), or put ${ED_FP} in inventory.ssh.host_keys, or set inventory.ssh.trust_on_first_use: true`,
    );
  });

  it("the trust-on-first-use warning prints the fingerprint and the line to pin", () => {
    expect(trustOnFirstUseWarning("t1", "h", 22, ED25519.blob)).toBe(
      [
        `WARNING: trusting t1 (h) on first use: its ssh-ed25519 host key is ${ED_FP}.`,
        "  Anyone between you and the host could have presented this key. Verify it out of band, then pin it:",
        `    known_hosts: ${ED_PIN}`,
        `    or fingerprint: ${ED_FP}`,
      ].join("\n"),
    );
  });
});

describe("trust on first use in CI", () => {
  it("is refused: a runner's known_hosts is empty on every run, so it would trust any key each time", () => {
    const verdict = decideHostKey({ trustOnFirstUse: true }, "Web1", 22, ED25519.blob, true);
    expect(verdict).toEqual({
      accept: false,
      why: "first-use-in-ci",
      presented: ED_FP,
      expected: [],
      pinLine: `web1 ssh-ed25519 ${ED25519.base64}`,
    });
    const error = hostKeyError("web1", "Web1", 22, verdict);
    expect(error.message).toBe(`trust_on_first_use is refused in CI (CI=true): web1 presented ${ED_FP}`);
    expect(error.hint).toContain(`known_hosts_file (web1 ssh-ed25519 ${ED25519.base64})`);
  });

  it("a pinned key is still accepted in CI", () => {
    expect(decideHostKey({ knownHosts: ED_PIN, trustOnFirstUse: true }, "h", 22, ED25519.blob, true)).toMatchObject({
      accept: true,
      how: "known_hosts",
    });
  });
});
