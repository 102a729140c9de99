import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NodeSSH } from "node-ssh";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConnectionError, RemoteCommandError } from "../../../src/errors.js";
import { ConnectionPool, connect, type SshRemoteHost } from "../../../src/remote/index.js";
import { target, uniqueToken } from "./sandbox-targets.js";

/** The sshd journal lines since `since` (epoch seconds on the host) that record a login with this key fingerprint. */
async function acceptedLogins(admin: SshRemoteHost, since: string, fingerprint: string): Promise<number> {
  const { stdout } = await admin.exec(["journalctl", "_COMM=sshd", "--since", `@${since}`, "-o", "cat"], {
    become: true,
  });
  return stdout.split("\n").filter((line) => line.startsWith("Accepted publickey") && line.endsWith(fingerprint))
    .length;
}

/** Polls (the journal may lag a little behind) until a login shows up, then returns the count. */
async function settledLogins(admin: SshRemoteHost, since: string, fingerprint: string): Promise<number> {
  let logins = 0;
  for (let poll = 0; poll < 50 && logins === 0; poll++) {
    logins = await acceptedLogins(admin, since, fingerprint);
    if (logins === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return logins;
}

/** `ip:port` of the SSH client as the host sees it. */
async function clientAddress(host: SshRemoteHost): Promise<string> {
  const { stdout } = await host.exec(["sh", "-c", 'echo "$SSH_CLIENT"']);
  return stdout.trim().split(" ").slice(0, 2).join(":");
}

const HOSTS = ["t1", "t2"];
const AUTHORIZED_KEYS2 = "/home/deploy/.ssh/authorized_keys2";

describe("one connection per host", () => {
  it("100 commands on each host of a run open exactly one TCP connection per host, as counted on the targets", async () => {
    // A key of this test's own, allowed through ~/.ssh/authorized_keys2 (which nothing else uses): sshd logs each
    // login with the key's fingerprint, so logins by other tests sharing the targets do not count.
    const dir = mkdtempSync(join(tmpdir(), "slipway-onekey-"));
    const keyPath = join(dir, "id_ed25519");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "slipway-e2e-one-connection", "-f", keyPath]);
    const fingerprint = execFileSync("ssh-keygen", ["-lf", keyPath], { encoding: "utf8" }).split(" ")[1] as string;
    const admins = await Promise.all(HOSTS.map((name) => connect(target(name))));
    const own = new ConnectionPool();
    try {
      const since = await Promise.all(
        admins.map(async (admin) => {
          await admin.putFile(AUTHORIZED_KEYS2, readFileSync(`${keyPath}.pub`), { mode: 0o600 });
          return (await admin.exec(["date", "+%s"])).stdout.trim();
        }),
      );
      const specs = HOSTS.map((name) => target(name, { privateKeyPath: keyPath }));
      // 200 commands at once, as a run's steps would issue them: each asks the pool for its host's connection.
      const seen = await Promise.all(
        specs.flatMap((spec) => Array.from({ length: 100 }, async () => clientAddress(await own.get(spec)))),
      );
      expect(own.size).toBe(2);
      for (const [index, admin] of admins.entries()) {
        // Every command on this host saw the same client address and port...
        const distinct = [...new Set(seen.slice(index * 100, (index + 1) * 100))];
        expect(distinct).toHaveLength(1);
        expect((await own.get(specs[index] as (typeof specs)[number])).connections).toBe(1);
        // ...sshd accepted exactly one login with this key...
        expect(await settledLogins(admin, since[index] as string, fingerprint)).toBe(1);
        // ...and that one connection is established on :22 from the address the commands saw.
        const { stdout } = await admin.exec(["ss", "-Htn", "state", "established", "( sport = :22 )"]);
        const peers = stdout
          .trim()
          .split("\n")
          .map((line) => line.trim().split(/\s+/).pop());
        expect(peers.filter((peer) => peer === distinct[0])).toHaveLength(1);
      }
    } finally {
      await own.closeAll();
      for (const admin of admins) {
        await admin.remove(AUTHORIZED_KEYS2);
        await admin.close();
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("reconnecting", () => {
  it("a connection dropped between commands is reopened for the next one; the dropped command is not retried", async () => {
    const own = new ConnectionPool();
    try {
      const host = await own.get(target("t1"));
      const before = (await host.exec(["sh", "-c", 'echo "$SSH_CLIENT"'])).stdout;
      const runs = `/tmp/slipway-dropped-${uniqueToken()}`;
      // Notes that it ran, then ends this connection's own sshd process (an ancestor of the command), as a network
      // drop would.
      const dropped = await host
        .exec([
          "sh",
          "-c",
          'echo ran >> "$1"; p=$$; while [ "$p" -gt 1 ]; do [ "$(cat /proc/$p/comm)" = sshd ] && { kill "$p"; exit 0; }; p=$(cut -d" " -f4 /proc/$p/stat); done',
          "sh",
          runs,
        ])
        .catch((e: unknown) => e);
      expect(dropped).toBeInstanceOf(RemoteCommandError);
      expect((dropped as RemoteCommandError).message).toBe(
        "no exit status: the connection was lost while the command ran",
      );
      const after = (await host.exec(["sh", "-c", 'echo "$SSH_CLIENT"'])).stdout;
      expect(after).not.toBe(before);
      expect(host.connections).toBe(2);
      // The command that may have run was not sent again on the new connection.
      expect((await host.readFile(runs))?.toString()).toBe("ran\n");
      await host.remove(runs);
      // A host closed on purpose leaves the pool: the next get() opens a new connection.
      await host.close();
      expect(await own.get(target("t1"))).not.toBe(host);
    } finally {
      await own.closeAll();
    }
  });
});

describe("connection failures", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("names the user and key when authentication fails, without retrying", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-key-"));
    try {
      const keyPath = join(dir, "id_ed25519");
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", keyPath]);
      const fingerprint = execFileSync("ssh-keygen", ["-lf", keyPath], { encoding: "utf8" }).split(" ")[1];
      const attempts = vi.spyOn(NodeSSH.prototype, "connect");
      const error = await connect(target("t1", { privateKeyPath: keyPath }), { retries: 2, retryDelayMs: 10 }).catch(
        (e: unknown) => e,
      );
      expect(attempts).toHaveBeenCalledTimes(1);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({
        host: "t1",
        message: `permission denied (publickey) for deploy@${target("t1").host}`,
      });
      expect((error as ConnectionError).hint).toContain(
        `user "deploy" with key ${keyPath} (ssh-ed25519 ${fingerprint})`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("retries a refused connection with backoff, then reports the attempts", async () => {
    const attempts = vi.spyOn(NodeSSH.prototype, "connect");
    const error = await connect(target("t1", { port: 2 }), { retries: 2, retryDelayMs: 10 }).catch((e: unknown) => e);
    expect(attempts).toHaveBeenCalledTimes(3);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).message).toMatch(/after 3 attempts: connect ECONNREFUSED/);
  });
});
