import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConnectionError, RemoteCommandError } from "../../../src/errors.js";
import { ConnectionPool, connect } from "../../../src/remote/index.js";
import { target } from "./sandbox-targets.js";

const pool = new ConnectionPool();
afterAll(() => pool.closeAll());

describe("one connection per host", () => {
  it("100 commands from a run use exactly one TCP connection, as counted on the target", async () => {
    const spec = target("t1");
    const ports = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const host = await pool.get(spec);
        const { stdout } = await host.exec(["sh", "-c", 'echo "$SSH_CLIENT"']);
        const [ip, port] = stdout.trim().split(" ");
        return `${ip}:${port}`;
      }),
    );
    const distinct = [...new Set(ports)];
    expect(distinct).toHaveLength(1);
    const host = await pool.get(spec);
    expect(host.connections).toBe(1);
    // sshd's view: established connections on :22 whose peer is our run's address.
    const { stdout } = await host.exec(["ss", "-Htn", "state", "established", "( sport = :22 )"]);
    const peers = stdout
      .trim()
      .split("\n")
      .map((line) => line.trim().split(/\s+/).pop());
    expect(peers.filter((peer) => peer === distinct[0])).toHaveLength(1);
  });
});

describe("reconnecting", () => {
  it("a connection dropped between commands is reopened for the next one; the dropped command is not retried", async () => {
    const own = new ConnectionPool();
    try {
      const host = await own.get(target("t1"));
      const before = (await host.exec(["sh", "-c", 'echo "$SSH_CLIENT"'])).stdout;
      // Ends this connection's own sshd process (an ancestor of the command), as a network drop would.
      const dropped = await host
        .exec([
          "sh",
          "-c",
          'p=$$; while [ "$p" -gt 1 ]; do [ "$(cat /proc/$p/comm)" = sshd ] && { kill "$p"; exit 0; }; p=$(cut -d" " -f4 /proc/$p/stat); done',
        ])
        .catch((e: unknown) => e);
      expect(dropped).toBeInstanceOf(RemoteCommandError);
      expect((dropped as RemoteCommandError).message).toBe(
        "no exit status: the connection was lost while the command ran",
      );
      const after = (await host.exec(["sh", "-c", 'echo "$SSH_CLIENT"'])).stdout;
      expect(after).not.toBe(before);
      expect(host.connections).toBe(2);
      // A host closed on purpose leaves the pool: the next get() opens a new connection.
      await host.close();
      expect(await own.get(target("t1"))).not.toBe(host);
    } finally {
      await own.closeAll();
    }
  });
});

describe("connection failures", () => {
  it("names the user and key when authentication fails, without retrying", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-key-"));
    try {
      const keyPath = join(dir, "id_ed25519");
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", keyPath]);
      const fingerprint = execFileSync("ssh-keygen", ["-lf", keyPath], { encoding: "utf8" }).split(" ")[1];
      const error = await connect(target("t1", { privateKeyPath: keyPath }), { retries: 2, retryDelayMs: 10 }).catch(
        (e: unknown) => e,
      );
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
    const error = await connect(target("t1", { port: 2 }), { retries: 2, retryDelayMs: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).message).toMatch(/after 3 attempts: connect ECONNREFUSED/);
  });
});
