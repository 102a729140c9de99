/**
 * D46 on a real sshd (t3, as `deploy`): a passphrase-protected key, allowed by this test through
 * ~deploy/.ssh/authorized_keys2 (nothing else on t3 uses it), logs in with the passphrase Slipway reads from
 * SLIPWAY_SSH_PASSPHRASE, or through an ssh-agent this test starts (ssh-agent, ssh-add); without either the connect
 * stops before any attempt with what to do. Host keys stay pinned (the sandbox's known_hosts) throughout.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolvedHost } from "../../../src/config/inventory.js";
import { sshTargetFor } from "../../../src/config/ssh-target.js";
import { ConnectionError } from "../../../src/errors.js";
import { connect, type SshRemoteHost } from "../../../src/remote/index.js";
import { target } from "./sandbox-targets.js";

const HOST = "t3";
const PASSPHRASE = "correct horse battery";
const AUTHORIZED_KEYS2 = "/home/deploy/.ssh/authorized_keys2";
const dir = mkdtempSync(join(tmpdir(), "slipway-keys-e2e-"));
const KEY = join(dir, "id_ed25519");
const SOCKET = join(dir, "agent.sock");

let admin: SshRemoteHost;
let agent: ChildProcess | undefined;

async function whoami(host: SshRemoteHost): Promise<string> {
  try {
    return (await host.exec(["id", "-un"])).stdout.trim();
  } finally {
    await host.close();
  }
}

async function refusal(promise: Promise<unknown>): Promise<ConnectionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectionError);
  return error as ConnectionError;
}

/** ssh-agent in the foreground on a socket of this test; the key added with its passphrase through SSH_ASKPASS. */
async function startAgent(): Promise<void> {
  agent = spawn("ssh-agent", ["-D", "-a", SOCKET], { stdio: "ignore" });
  for (let i = 0; i < 50 && !existsSync(SOCKET); i++) await new Promise((r) => setTimeout(r, 100));
  const askpass = join(dir, "askpass.sh");
  writeFileSync(askpass, `#!/bin/sh\necho '${PASSPHRASE}'\n`);
  chmodSync(askpass, 0o700);
  execFileSync("ssh-add", [KEY], {
    env: { PATH: process.env.PATH, SSH_AUTH_SOCK: SOCKET, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: "force" },
    stdio: ["ignore", "ignore", "pipe"],
  });
}

describe("a passphrase-protected key (D46)", () => {
  beforeAll(async () => {
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", PASSPHRASE, "-C", "slipway-e2e-passphrase", "-f", KEY]);
    admin = await connect(target(HOST));
    await admin.putFile(AUTHORIZED_KEYS2, readFileSync(`${KEY}.pub`), { mode: 0o600 });
  });

  afterAll(async () => {
    agent?.kill();
    await admin?.remove(AUTHORIZED_KEYS2);
    await admin?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("without a passphrase or an agent: refused before any attempt, saying what to do", async () => {
    const error = await refusal(connect(target(HOST, { privateKeyPath: KEY })));
    expect(error.message).toBe(
      `the private key ${KEY} is encrypted (passphrase-protected) and neither SLIPWAY_SSH_PASSPHRASE nor ssh-agent is there to open it`,
    );
    expect(error.hint).toContain(`ssh-add ${KEY}`);
  });

  it("a wrong passphrase is named as such", async () => {
    const error = await refusal(connect(target(HOST, { privateKeyPath: KEY, passphrase: "wrong" })));
    expect(error.message).toBe(`the passphrase in SLIPWAY_SSH_PASSPHRASE does not open the private key ${KEY}`);
  });

  it("SLIPWAY_SSH_PASSPHRASE opens it: the config's target logs in as deploy", async () => {
    const spec = target(HOST);
    const knownHostsFile = join(dir, "known_hosts");
    writeFileSync(knownHostsFile, spec.knownHosts ?? "");
    const resolved: ResolvedHost = {
      name: HOST,
      address: spec.host,
      port: spec.port ?? 22,
      user: "deploy",
      identityFile: KEY,
      knownHostsFile,
      hostKeys: [],
      trustOnFirstUse: false,
      becomeUser: "root",
      privilege: { mode: "root" },
      connectTimeout: "10s",
      groups: [],
      vars: {},
    };
    const fromConfig = await sshTargetFor(resolved, [resolved], dir, { SLIPWAY_SSH_PASSPHRASE: PASSPHRASE });
    expect(fromConfig.passphrase).toBe(PASSPHRASE);
    expect(await whoami(await connect(fromConfig))).toBe("deploy");
  });

  it("ssh-agent holding it (SSH_AUTH_SOCK): with identity_file, and with no key configured at all", async () => {
    await startAgent();
    expect(await whoami(await connect(target(HOST, { privateKeyPath: KEY, agentSocket: SOCKET })))).toBe("deploy");
    expect(await whoami(await connect(target(HOST, { privateKeyPath: undefined, agentSocket: SOCKET })))).toBe(
      "deploy",
    );
  });
});
