import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadConfig, type SlipwayConfig } from "../../../src/config/index.js";
import { execInService, type ServiceProcess } from "../../../src/deploy/day-two.js";
import { FakeHost } from "../engine/fake-host.js";

function terminal() {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on("data", (c: Buffer) => chunks.push(c));
  return {
    options: { term: "xterm", rows: 40, cols: 120, stdout, stderr: new PassThrough() },
    text: () => Buffer.concat(chunks).toString("utf8"),
  };
}

const container: ServiceProcess = {
  service: "web",
  instance: 0,
  label: "t1",
  kind: "container",
  name: "shop-web-blue",
};

describe("execInService with a terminal (slipway exec -it)", () => {
  it("a container: docker exec -i -t, become, run through the host's pty; the exit code is the remote one", async () => {
    const host = new FakeHost("t1", () => ({ stdout: "/dev/pts/0\r\n", code: 7 }));
    const tty = terminal();
    const result = await execInService(host, {} as SlipwayConfig, {
      argv: ["sh"],
      process: container,
      color: "blue",
      tty: true,
      terminal: tty.options,
      out: () => {},
      err: () => {},
    });
    expect(result.code).toBe(7);
    expect(host.commands).toEqual([
      { argv: ["docker", "exec", "-i", "-t", "shop-web-blue", "sh"], become: true, tty: true },
    ]);
    expect(tty.text()).toBe("/dev/pts/0\r\n");
  });

  it("systemd: the same release-directory argv as without a terminal (env file, runuser), with the pty", async () => {
    const config = await loadConfig("examples/harvest/slipway.yml");
    const unit: ServiceProcess = { service: "backend", instance: 0, label: "t1", kind: "unit", name: "x" };
    const plain = new FakeHost("t1");
    const input = { argv: ["sh"], process: unit, color: "green" as const, out: () => {}, err: () => {} };
    await execInService(plain, config, { ...input, tty: false });
    const pty = new FakeHost("t1");
    await execInService(pty, config, { ...input, tty: true, terminal: terminal().options });
    expect(pty.commands).toEqual([{ ...plain.commands[0], tty: true }]);
    expect(pty.ran[0]).toContain("runuser");
  });

  it("-t without a terminal to attach: a typed error naming the host", async () => {
    const host = new FakeHost("t1");
    const run = execInService(host, {} as SlipwayConfig, {
      argv: ["sh"],
      process: container,
      color: "blue",
      tty: true,
      out: () => {},
      err: () => {},
    });
    await expect(run).rejects.toThrow("t1 cannot run a command with a terminal");
  });
});
