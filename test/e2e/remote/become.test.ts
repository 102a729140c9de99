import { afterAll, describe, expect, it } from "vitest";
import { RemoteCommandError } from "../../../src/errors.js";
import { ConnectionPool } from "../../../src/remote/index.js";
import { target } from "./sandbox-targets.js";

const pool = new ConnectionPool();
afterAll(() => pool.closeAll());

describe("become", () => {
  it("runs as root through sudo -n when the user has NOPASSWD", async () => {
    const t1 = await pool.get(target("t1"));
    expect((await t1.exec(["id", "-un"], { become: true })).stdout).toBe("root\n");
    expect((await t1.exec(["id", "-un"], { become: true, becomeUser: "nosudo" })).stdout).toBe("nosudo\n");
    expect((await t1.exec(["pwd"], { become: true, cwd: "/var/log" })).stdout).toBe("/var/log\n");
  });

  it("without a sudoers rule, the error names the rule to add", async () => {
    const nosudo = await pool.get(target("t1", { user: "nosudo" }));
    expect((await nosudo.exec(["id", "-un"])).stdout).toBe("nosudo\n");
    const error = await nosudo.exec(["id", "-un"], { become: true, step: "whoami" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteCommandError);
    expect(error).toMatchObject({
      host: "t1",
      step: "whoami",
      exitCode: 1,
      message: "sudo refused to run /usr/bin/id as root for nosudo",
    });
    expect((error as RemoteCommandError).hint).toContain("nosudo ALL=(root) NOPASSWD: /usr/bin/id");
    expect((error as RemoteCommandError).stderrTail).toMatch(/^sudo: /);
  });
});
