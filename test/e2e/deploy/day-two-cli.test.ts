/**
 * `slipway status`, `logs` and `exec` on a real host (harvest, systemd runtime, sandbox target t1): what a user sees
 * before anything is deployed, on a healthy deploy, with a stopped unit; logs of one service and of all, a follow that
 * Ctrl-C ends without leaving a remote journalctl behind; a command run in the release with the unit's env file and
 * its exit code, also with a pseudo-terminal (exec -it); every command's --help and its usage errors.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.js";
import { deploy } from "../../../src/deploy/index.js";
import type { HostStatus } from "../../../src/deploy/status.js";
import { shJoin } from "../../../src/remote/quote.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { slipway } from "../../support/cli-in-process.js";
import { CLI_ENTRY, REPO_ROOT } from "../support/sandbox.js";
import { cleanHost, connectTarget, writeOverlay } from "./support.js";

const APP = "dayops";

describe("status, logs, exec (harvest on t1)", () => {
  let host: RemoteHost;
  let file: string;
  const c = () => ["-c", file];

  beforeAll(async () => {
    host = await connectTarget("t1");
    await cleanHost(host, APP);
    file = writeOverlay("harvest", {
      app: APP,
      domain: "dayops.e2e.test",
      target: "t1",
      ports: {},
      healthTimeout: "12s",
    });
  });

  afterAll(async () => {
    await cleanHost(host, APP);
    await host.close();
  });

  it("--help of each command names its options", async () => {
    for (const [command, option] of [
      ["status", "--json"],
      ["logs", "--follow"],
      ["exec", "--color"],
    ] as const) {
      const ran = await slipway(command, "--help");
      expect([ran.code, ran.stdout]).toEqual([0, expect.stringContaining(option)]);
    }
    const bad = await slipway("logs", "--since", "ten", ...c());
    expect([bad.code, bad.stderr]).toEqual([5, expect.stringContaining("--since ten: expected a duration")]);
    expect((await slipway("logs", "--color", "red", ...c())).code).toBe(5);
    expect((await slipway("logs", "-n", "x", ...c())).code).toBe(5);
    expect((await slipway("exec", "backend", ...c())).stderr).toContain("exec needs a command after --");
    const unknown = await slipway("logs", "nosuch", ...c());
    expect([unknown.code, unknown.stderr]).toEqual([5, expect.stringContaining('no service "nosuch"')]);
  });

  it("status before any deploy: exit 2, nothing deployed", async () => {
    const ran = await slipway("status", ...c());
    expect(ran.code).toBe(2);
    expect(ran.stdout).toContain("t1: nothing deployed");
    expect(ran.stdout).toContain("UNHEALTHY: nothing deployed");
  });

  it("status of a healthy deploy: release, color, running units, health 200, lock free, disk (json and table)", async () => {
    const result = await deploy({
      config: await loadConfig(file),
      commit: "a".repeat(40),
      actor: "e2e",
      releaseId: "dayops-v1",
      releaseDir: `${REPO_ROOT}/examples/harvest`,
      secrets: { SECRET_KEY: "e2e" },
      drainSeconds: 1,
    });
    expect(result.ok).toBe(true);
    const started = Date.now();
    const ran = await slipway("status", "--json", ...c());
    const statusMs = Date.now() - started;
    expect(ran.code).toBe(0);
    const [t1] = JSON.parse(ran.stdout) as HostStatus[];
    expect(t1).toMatchObject({
      host: "t1",
      release: "dayops-v1",
      color: "blue",
      lock: { state: "free" },
      problems: [],
    });
    expect(t1?.units.filter((u) => u.live).map((u) => [u.name, u.running])).toEqual([
      [`${APP}-backend@blue.service`, true],
      [`${APP}-frontend@blue.service`, true],
    ]);
    expect(t1?.health.map((h) => [h.service, h.status])).toEqual([
      ["backend", 200],
      ["frontend", 200],
    ]);
    expect(t1?.disk?.freeBytes).toBeGreaterThan(0);
    console.log(`status --json of one host: ${statusMs} ms`);
    const table = await slipway("status", ...c());
    expect(table.stdout).toMatch(/^t1: dayops-v1 on blue; lock free; disk /);
    expect(table.stdout).toContain(`${APP}-backend@blue.service`);
    expect(table.stdout.trim().split("\n").at(-1)).toBe("  healthy");
  });

  it("logs: one service's journal lines prefixed by host and service; all services", async () => {
    const one = await slipway("logs", "backend", "-n", "20", ...c());
    expect(one.code).toBe(0);
    const lines = one.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.startsWith("t1 | ") || l.startsWith("t1/backend | "))).toBe(true);
    expect(one.stdout).toContain(`${APP}-backend@blue`);
    expect(one.stdout).not.toContain(`${APP}-frontend@blue`);
    const all = await slipway("logs", "--since", "1h", ...c());
    expect(all.stdout).toContain(`${APP}-frontend@blue`);
  });

  it("logs -f: Ctrl-C ends the command (130) and the remote journalctl", async () => {
    const child = spawn(process.execPath, [CLI_ENTRY, "logs", "-f", ...c()], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const firstLine = new Promise<void>((resolve) => {
      child.stdout.on("data", (d: Buffer) => {
        output += d.toString();
        if (output.includes("\n")) resolve();
      });
    });
    await firstLine;
    const running = await host.exec(["pgrep", "-f", `[j]ournalctl.*${APP}-`], { check: false });
    expect(running.code).toBe(0);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    const left = await host.exec(["pgrep", "-f", `[j]ournalctl.*${APP}-`], { check: false });
    expect(left.code).toBe(1);
  }, 60_000);

  it("exec: runs in the release dir as the service's user with the unit's env; its exit code is the command's", async () => {
    const ran = await slipway("exec", "backend", ...c(), "--", "sh", "-c", 'echo "$PWD"; id -un; echo "port=$PORT"');
    expect(ran.code).toBe(0);
    const [pwd, user, port] = ran.stdout.trim().split("\n");
    expect(pwd).toBe(`/opt/${APP}/colors/blue/backend`);
    expect(user).toMatch(/^app-/);
    expect(port).toMatch(/^port=\d+$/);
    const failing = await slipway("exec", "backend", ...c(), "--", "sh", "-c", "echo oops >&2; exit 7");
    expect([failing.code, failing.stderr.trim()]).toEqual([7, "oops"]);
    const green = await slipway("exec", "backend", "--color", "green", ...c(), "--", "true");
    expect(green.code).toBe(126);
  });

  it("exec -it: a pseudo-terminal on the host (under script(1), which gives the CLI a terminal); exit code kept", async () => {
    const cli = [process.execPath, CLI_ENTRY, "exec", "-it", "backend", ...c()];
    const line = shJoin([...cli, "--", "sh", "-c", "tty; echo color=$SLIPWAY_COLOR; exit 7"]);
    const ran = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn("script", ["-qec", line, "/dev/null"], { cwd: REPO_ROOT, stdio: ["pipe", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (d: Buffer) => {
        output += d.toString();
      });
      child.on("close", (code) => resolve({ code, output }));
    });
    // The remote pty writes \r\n; the local terminal (raw mode by libuv keeps ONLCR) may add one more \r.
    expect(ran.output).toMatch(/\/dev\/pts\/\d+\r*\n/);
    expect(ran.output).toContain("color=blue");
    expect(ran.code).toBe(7);
  });

  it("status with the live backend stopped: exit 2 naming the unit and its health", async () => {
    await host.exec(["systemctl", "stop", `${APP}-backend@blue.service`], { become: true });
    const ran = await slipway("status", ...c());
    expect(ran.code).toBe(2);
    expect(ran.stdout).toContain(`UNHEALTHY: ${APP}-backend@blue.service is inactive (dead); backend health no answer`);
  });
});
