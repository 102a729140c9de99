import ssh2 from "ssh2";
import { afterAll, describe, expect, it, vi } from "vitest";
import { ConnectionPool } from "../../../src/remote/index.js";
import { target, uniqueToken } from "./sandbox-targets.js";

const pool = new ConnectionPool();
afterAll(() => pool.closeAll());

describe("facts", () => {
  it("describes the sandbox target and its current release and color, in one round trip", async () => {
    const t1 = await pool.get(target("t1"));
    const deployDir = `/tmp/slipway-facts-${uniqueToken()}`;
    await t1.mkdir(`${deployDir}/releases/r20260101`);
    await t1.exec(["ln", "-sfn", "releases/r20260101", `${deployDir}/current`]);
    await t1.putFile(`${deployDir}/color`, "blue\n");
    // Every exec request on any ssh2 connection goes through Client.prototype.exec: count them.
    const execRequests = vi.spyOn(ssh2.Client.prototype, "exec");
    const facts = await t1.facts({ deployDir });
    expect(execRequests).toHaveBeenCalledTimes(1);
    execRequests.mockRestore();
    expect(facts).toMatchObject({
      os: { id: "debian", version: "12" },
      initSystem: "systemd",
      docker: { compose: "v1", buildx: false },
      nginx: { binary: "/usr/sbin/nginx", confDir: "/etc/nginx" },
      deployDir,
      current: { release: "r20260101", color: "blue" },
      user: "deploy",
    });
    expect(facts.os.prettyName).toContain("Debian");
    expect(facts.arch).toBe((await t1.exec(["uname", "-m"])).stdout.trim());
    expect(facts.docker.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(facts.nginx.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(facts.freeDiskBytes).toBeGreaterThan(0);
    // Cached until refresh is asked for.
    await t1.exec(["sh", "-c", 'echo green > "$1"', "sh", `${deployDir}/color`]);
    expect((await t1.facts({ deployDir })).current.color).toBe("blue");
    expect((await t1.facts({ deployDir, refresh: true })).current.color).toBe("green");
    await t1.remove(deployDir, { recursive: true });
    expect((await t1.facts({ deployDir, refresh: true })).current).toEqual({ release: null, color: null });
  });
});
