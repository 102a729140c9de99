import { describe, expect, it } from "vitest";
import { ConnectionError, RemoteCommandError } from "../../../src/errors.js";
import { SshRemoteHost } from "../../../src/remote/ssh-host.js";
import type { TargetSpec } from "../../../src/remote/target.js";
import { FakeClient, type FakeFailure, type FakeReply, fakeNodeSsh } from "./fake-ssh.js";

const TARGET: TargetSpec = { name: "t1", host: "10.0.0.1", user: "deploy", knownHosts: "" };

const FACTS_OUTPUT = [
  "os_id=debian",
  "os_version=12",
  "os_pretty=Debian GNU/Linux 12 (bookworm)",
  "arch=x86_64",
  "init=systemd",
  "user=deploy",
  "docker=Docker version 24.0.7, build afdd53b",
  "compose=v2",
  "buildx=yes",
  "nginx=/usr/sbin/nginx",
  "nginx_version=nginx version: nginx/1.22.1",
  "nginx_conf=/etc/nginx/nginx.conf",
  "disk_free_kb=1000",
  "deploy_dir=/opt/app",
  "current=/opt/app/releases/r1",
  "color=green",
  "end=1",
  "",
].join("\n");

function hostWith(respond: (command: string) => FakeReply, failures: FakeFailure[] = []) {
  const client = new FakeClient(respond, failures);
  let reconnects = 0;
  const host = new SshRemoteHost(TARGET, fakeNodeSsh(client), {}, async () => {
    reconnects++;
    client.connected = true;
    return fakeNodeSsh(client);
  });
  return { host, client, reconnects: () => reconnects };
}

describe("facts round trips", () => {
  it("gathers every fact with exactly one exec request, then serves the cache until refresh", async () => {
    const { host, client } = hostWith((command) =>
      command.includes("slipway-facts") ? { stdout: FACTS_OUTPUT } : { code: 99 },
    );
    const facts = await host.facts({ deployDir: "/opt/app" });
    expect(client.execCalls).toBe(1);
    expect(facts).toMatchObject({
      os: { id: "debian", version: "12" },
      arch: "x86_64",
      initSystem: "systemd",
      docker: { version: "24.0.7", compose: "v2", buildx: true },
      nginx: { binary: "/usr/sbin/nginx", confDir: "/etc/nginx", version: "1.22.1" },
      freeDiskBytes: 1024 * 1000,
      current: { release: "r1", color: "green" },
    });
    await host.facts({ deployDir: "/opt/app" });
    expect(client.execCalls).toBe(1);
    await host.facts({ deployDir: "/opt/app", refresh: true });
    expect(client.execCalls).toBe(2);
  });
});

describe("secrets stay out of the command line", () => {
  const secret = "hunter2-db-password";

  it("putFile sends file content on stdin only, never in the command string", async () => {
    const { host, client } = hostWith((command) => (command.includes("slipway-inspect") ? { stdout: "absent\n" } : {}));
    const result = await host.putFile("/opt/app/env/web-blue.env", `DB_PASSWORD=${secret}\n`, { mode: 0o600 });
    expect(result.changed).toBe(true);
    expect(client.sent).toHaveLength(2);
    expect(client.sent.some((sent) => sent.command.includes(secret))).toBe(false);
    expect(client.sent[1]?.command).toContain("slipway-write");
    expect(client.sent[1]?.stdin.toString()).toBe(`DB_PASSWORD=${secret}\n`);
  });

  it("putFile unconditional writes in one round trip (no inspect), content on stdin", async () => {
    const { host, client } = hostWith(() => ({}));
    const result = await host.putFile("/opt/app/intent.json", `{"to":"green"}\n`, { mode: 0o644, unconditional: true });
    expect(result).toEqual({ changed: true, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(client.sent).toHaveLength(1);
    expect(client.sent[0]?.command).toContain("slipway-write");
    expect(client.sent[0]?.command).toContain("0644");
    expect(client.sent[0]?.stdin.toString()).toBe(`{"to":"green"}\n`);
  });

  it("exec stdin travels as channel data, not as part of the command", async () => {
    const { host, client } = hostWith(() => ({}));
    await host.exec(["docker", "login", "--password-stdin", "-u", "ci", "registry.example"], { stdin: secret });
    expect(client.sent).toHaveLength(1);
    expect(client.sent[0]?.command).not.toContain(secret);
    expect(client.sent[0]?.stdin.toString()).toBe(secret);
  });
});

describe("retries", () => {
  it("tries again when the channel could not open (nothing was sent)", async () => {
    const { host, client, reconnects } = hostWith(() => ({ stdout: "ok\n" }), ["channel-open"]);
    expect((await host.exec(["echo", "ok"])).stdout).toBe("ok\n");
    expect(client.execCalls).toBe(2);
    expect(client.sent).toHaveLength(1);
    expect(reconnects()).toBe(0);
  });

  it("gives up after repeated channel refusals with a typed error saying nothing ran", async () => {
    const refusals = Array.from({ length: 8 }, (): FakeFailure => "channel-open");
    const { host, client } = hostWith(() => ({}), refusals);
    const error = await host.exec(["true"], { step: "probe" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ host: "t1", step: "probe", command: "true" });
    expect((error as ConnectionError).hint).toMatch(/^nothing ran on the host/);
    expect(client.sent).toHaveLength(0);
  });

  it("never sends a command again once it reached the host, even if the connection dropped before it started", async () => {
    const { host, client, reconnects } = hostWith(() => ({}), ["lost-after-send"]);
    const error = await host.exec(["systemctl", "restart", "app"], { step: "restart" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteCommandError);
    expect(error).toMatchObject({
      host: "t1",
      step: "restart",
      command: "systemctl restart app",
      exitCode: null,
      message: "the connection was lost while the command was starting",
    });
    expect((error as RemoteCommandError).hint).toContain("may have run");
    expect(client.execCalls).toBe(1);
    expect(reconnects()).toBe(0);
    // The next command reopens the connection (nothing is running on the dropped one).
    await host.exec(["true"]);
    expect(reconnects()).toBe(1);
    expect(client.sent.map((sent) => sent.command.includes("restart"))).toEqual([true, false]);
  });
});

describe("exit status", () => {
  it("a command without an exit status is an error even with check: false", async () => {
    const { host } = hostWith(() => ({ code: null }));
    const error = await host.exec(["true"], { check: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteCommandError);
    expect(error).toMatchObject({
      exitCode: null,
      message: "no exit status: the connection was lost while the command ran",
    });
  });

  it("check: false returns a non-zero exit as a result", async () => {
    const { host } = hostWith(() => ({ code: 3, stderr: "nope\n" }));
    expect(await host.exec(["false"], { check: false })).toMatchObject({ code: 3, signal: null, stderr: "nope\n" });
  });
});
