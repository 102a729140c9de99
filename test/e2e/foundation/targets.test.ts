/**
 * Every sandbox target answers over SSH with host key checking on, and runs systemd, Docker and nginx. The checks
 * run concurrently (vitest's maxConcurrency, 5): ~160 SSH logins one after another took 62 s, alone before the lanes.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSandbox } from "../support/sandbox.js";
import { run, ssh } from "./run.js";

const inventory = loadSandbox();

describe.concurrent.each(inventory.targets)("sandbox target $name ($host)", (target) => {
  it("runs systemd with no failed unit", async () => {
    // The failed units' names first in the output, so a failure says which; the exit code is is-system-running's.
    const result = await ssh(target, "systemctl --failed --plain --no-legend; systemctl is-system-running");
    expect(result.stdout.trim()).toBe("running");
    expect(result.code).toBe(0);
  });

  it("runs Docker, usable by the deploy user without sudo", async () => {
    const result = await ssh(target, "docker info --format '{{.ServerVersion}} {{.Driver}}'");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\S+ overlay2$/m);
  });

  it("has nginx", async () => {
    // nginx lives in /usr/sbin, which is not on a non-root user's PATH on Debian (as on a real server).
    const result = await ssh(target, "/usr/sbin/nginx -v");
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/nginx version: nginx\//);
  });

  it("gives deploy passwordless sudo and refuses it to nosudo", async () => {
    expect((await ssh(target, "sudo -n true")).code).toBe(0);
    const refused = await ssh(target, "sudo -n true", { user: "nosudo" });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/a password is required/);
  });

  it("is refused when its host key is not in known_hosts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-kh-"));
    try {
      const emptyKnownHosts = join(dir, "known_hosts");
      writeFileSync(emptyKnownHosts, "");
      const result = await run("ssh", [
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        `UserKnownHostsFile=${emptyKnownHosts}`,
        "-i",
        inventory.privateKeyPath,
        `${target.user}@${target.host}`,
        "true",
      ]);
      expect(result.code).toBe(255);
      expect(result.stderr).toMatch(/Host key verification failed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
