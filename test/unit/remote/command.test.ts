import { describe, expect, it } from "vitest";
import {
  effectiveArgv,
  innerCommand,
  KILL_GROUP_SCRIPT,
  killGroupCommand,
  splitPgidMarker,
  wrapCommand,
} from "../../../src/remote/command.js";

describe("effectiveArgv", () => {
  it("is the argv itself by default", () => {
    expect(effectiveArgv(["systemctl", "restart", "app@blue"], {})).toEqual(["systemctl", "restart", "app@blue"]);
  });

  it("prefixes sudo -n -u USER -- for become (default root)", () => {
    expect(effectiveArgv(["id"], { become: true })).toEqual(["sudo", "-n", "-u", "root", "--", "id"]);
    expect(effectiveArgv(["id"], { become: true, becomeUser: "app" })).toEqual(["sudo", "-n", "-u", "app", "--", "id"]);
  });

  it("passes environment through env, inside sudo", () => {
    expect(effectiveArgv(["run"], { become: true, env: { A: "1", B_2: "x y" } })).toEqual([
      "sudo",
      "-n",
      "-u",
      "root",
      "--",
      "env",
      "A=1",
      "B_2=x y",
      "run",
    ]);
  });

  it("refuses invalid variable names and empty argv", () => {
    expect(() => effectiveArgv(["x"], { env: { "A;B": "1" } })).toThrow(/invalid environment variable/);
    expect(() => effectiveArgv([], {})).toThrow(/empty/);
  });
});

describe("wrapCommand", () => {
  it("reports the session's process group first on stderr, then execs the quoted argv", () => {
    expect(wrapCommand(["echo", "it's"], {})).toBe(
      `/bin/sh -c '{ read -r l < /proc/$$/stat; } 2>/dev/null; set -- \${l##*) }; printf '\\''SLIPWAY-PGID %s\\n'\\'' "\${3:-$$}" >&2; exec echo '\\''it'\\''\\'\\'''\\''s'\\'''`,
    );
  });

  it("changes directory, then execs sudo", () => {
    expect(
      wrapCommand(["ls"], { cwd: "/srv/a b", become: true }).endsWith(
        ` >&2; cd '\\''/srv/a b'\\'' && exec sudo -n -u root -- ls'`,
      ),
    ).toBe(true);
  });

  it("changes directory before sudo", () => {
    expect(innerCommand(["ls", "-l"], { cwd: "/srv/my app", become: true })).toBe(
      "cd '/srv/my app' && sudo -n -u root -- ls -l",
    );
  });
});

describe("splitPgidMarker", () => {
  it("splits the marker line from the command's stderr", () => {
    expect(splitPgidMarker(Buffer.from("SLIPWAY-PGID 4242\nwarning: x\n"))).toEqual({
      pgid: 4242,
      rest: Buffer.from("warning: x\n"),
    });
  });

  it("waits for the rest of an incomplete marker", () => {
    expect(splitPgidMarker(Buffer.from("SLIPWAY-PG"))).toBeNull();
    expect(splitPgidMarker(Buffer.from("SLIPWAY-PGID 42"))).toBeNull();
  });

  it("passes through stderr that does not start with the marker", () => {
    expect(splitPgidMarker(Buffer.from("setsid: not found\n"))).toEqual({
      pgid: null,
      rest: Buffer.from("setsid: not found\n"),
    });
  });
});

describe("killGroupCommand", () => {
  it("signals the negative group id, through sudo for become", () => {
    expect(killGroupCommand(4242, "root")).toBe(
      `/bin/sh -c '${KILL_GROUP_SCRIPT.replaceAll("'", "'\\''")}' slipway-kill 4242 root`,
    );
    expect(killGroupCommand(4242, null).endsWith(" slipway-kill 4242 ''")).toBe(true);
  });

  it("refuses group ids that would signal everything", () => {
    expect(() => killGroupCommand(1, null)).toThrow(/refusing/);
    expect(() => killGroupCommand(0, null)).toThrow(/refusing/);
    expect(() => killGroupCommand(-5, null)).toThrow(/refusing/);
  });
});
