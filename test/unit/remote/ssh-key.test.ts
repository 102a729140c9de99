/**
 * D46: which key a connection uses and every way a configured key cannot be used, by exact words. Keys are made by
 * ssh2 itself (OpenSSH format, one encrypted with a passphrase) in a temporary directory.
 */
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import { describe, expect, it } from "vitest";
import { ConnectionError } from "../../../src/errors.js";
import { loadPrivateKey } from "../../../src/remote/ssh-key.js";
import type { TargetSpec } from "../../../src/remote/target.js";

const dir = mkdtempSync(join(tmpdir(), "slipway-keys-"));
const plain = ssh2.utils.generateKeyPairSync("ed25519");
const locked = ssh2.utils.generateKeyPairSync("ed25519", {
  passphrase: "correct horse",
  cipher: "aes256-ctr",
  rounds: 2,
});
function keyFile(name: string, text: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}
const PLAIN = keyFile("plain", plain.private);
const LOCKED = keyFile("locked", locked.private);
const PUB = keyFile("locked.pub", locked.public, 0o644);
const OPEN = keyFile("open", plain.private, 0o644);
const AGENT = "/tmp/ssh-XXXX/agent.1";

const target = (over: Partial<TargetSpec>): TargetSpec => ({
  name: "t1",
  host: "10.213.0.11",
  user: "deploy",
  ...over,
});

async function refusal(over: Partial<TargetSpec>): Promise<{ message: string; hint?: string }> {
  const error = await loadPrivateKey(target(over), () => undefined).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConnectionError);
  const { message, hint } = error as ConnectionError;
  return { message, hint };
}

describe("the client's key (D46)", () => {
  it("an unencrypted key is used alone, even with an agent there", async () => {
    const key = await loadPrivateKey(target({ privateKeyPath: PLAIN, agentSocket: AGENT }), () => undefined);
    expect(key.agent).toBeUndefined();
    expect(key.text).toBe(plain.private);
    expect(key.description.fingerprint).toMatch(/^ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it("an encrypted key opens with the passphrase (SLIPWAY_SSH_PASSPHRASE)", async () => {
    const key = await loadPrivateKey(target({ privateKeyPath: LOCKED, passphrase: "correct horse" }), () => undefined);
    expect(key).toMatchObject({ text: locked.private, passphrase: "correct horse" });
    expect(key.agent).toBeUndefined();
  });

  it("an encrypted key without a passphrase goes to ssh-agent when SSH_AUTH_SOCK is set", async () => {
    const key = await loadPrivateKey(target({ privateKeyPath: LOCKED, agentSocket: AGENT }), () => undefined);
    expect(key).toEqual({
      agent: AGENT,
      description: { source: `${LOCKED} via ssh-agent (SSH_AUTH_SOCK)`, fingerprint: null },
    });
  });

  it("no key configured: the agent, else what to set", async () => {
    expect((await loadPrivateKey(target({ agentSocket: AGENT }), () => undefined)).agent).toBe(AGENT);
    expect((await refusal({})).message).toBe("no private key configured for deploy@10.213.0.11");
  });

  it("an encrypted key with neither: says so and what to do, never prompts", async () => {
    expect(await refusal({ privateKeyPath: LOCKED })).toEqual({
      message: `the private key ${LOCKED} is encrypted (passphrase-protected) and neither SLIPWAY_SSH_PASSPHRASE nor ssh-agent is there to open it`,
      hint: `export SLIPWAY_SSH_PASSPHRASE with its passphrase (a CI secret), or add it to ssh-agent (ssh-add ${LOCKED}) so that SSH_AUTH_SOCK is set; or use a dedicated deploy key without a passphrase (in CI through private_key_secret). Slipway never prompts`,
    });
  });

  it("a wrong passphrase", async () => {
    expect(await refusal({ privateKeyPath: LOCKED, passphrase: "wrong" })).toEqual({
      message: `the passphrase in SLIPWAY_SSH_PASSPHRASE does not open the private key ${LOCKED}`,
      hint: `check the value of SLIPWAY_SSH_PASSPHRASE (ssh-keygen -y -f ${LOCKED} asks for it and prints the public half)`,
    });
  });

  it("the .pub half given", async () => {
    expect(await refusal({ privateKeyPath: PUB })).toEqual({
      message: `${PUB} is a public key (the .pub half), not the private key`,
      hint: `point identity_file at the private half (${LOCKED}); the public half goes in the server's authorized_keys`,
    });
  });

  it("a file that is no key at all", async () => {
    const path = keyFile("notes.txt", "hello\n");
    expect((await refusal({ privateKeyPath: path })).message).toBe(
      `${path} is not a private key ssh can read (Unsupported key format)`,
    );
  });

  it("a key file readable by others: used, with ssh's warning once per file", async () => {
    const warnings: string[] = [];
    await loadPrivateKey(target({ privateKeyPath: OPEN }), (w) => warnings.push(w));
    await loadPrivateKey(target({ privateKeyPath: OPEN }), (w) => warnings.push(w));
    expect(warnings).toEqual([
      `warning: the private key ${OPEN} is readable by others (mode 0644); ssh refuses such a key ("UNPROTECTED PRIVATE KEY FILE"): chmod 600 ${OPEN}`,
    ]);
    await loadPrivateKey(target({ privateKeyPath: PLAIN }), (w) => warnings.push(w));
    expect(warnings).toHaveLength(1);
  });
});
