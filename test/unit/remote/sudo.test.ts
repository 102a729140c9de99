import { describe, expect, it } from "vitest";
import { recognizeSudoFailure, sudoersRule, sudoHint } from "../../../src/remote/sudo.js";

describe("recognizeSudoFailure", () => {
  it.each([
    ["sudo: a password is required\n", "password-required"],
    ["sudo: a terminal is required to read the password; either use the -S option", "no-tty"],
    ["sudo: no tty present and no askpass program specified", "no-tty"],
    ["nosudo is not in the sudoers file.  This incident will be reported.", null],
    ["sudo: nosudo is not in the sudoers file.  This incident will be reported.", "not-in-sudoers"],
    [
      "Sorry, user deploy is not allowed to execute '/usr/bin/id' as root on t1.\nsudo: deploy is not allowed to run",
      null,
    ],
    ["sudo: Sorry, user deploy is not allowed to execute '/usr/bin/id' as root on t1.", "not-allowed"],
  ])("%j -> %s", (stderr, expected) => {
    expect(recognizeSudoFailure(1, stderr)).toBe(expected);
  });

  it("only counts exit code 1 (sudo's own), not the command's failures", () => {
    expect(recognizeSudoFailure(0, "sudo: a password is required")).toBeNull();
    expect(recognizeSudoFailure(2, "sudo: a password is required")).toBeNull();
    expect(recognizeSudoFailure(1, "systemctl: unit not found")).toBeNull();
  });
});

describe("sudoers hints", () => {
  it("names the exact rule", () => {
    expect(sudoersRule("deploy", "root", "/usr/bin/systemctl")).toBe("deploy ALL=(root) NOPASSWD: /usr/bin/systemctl");
    expect(sudoHint("nosudo", "root", "/usr/bin/id")).toBe(
      "sudo asked nosudo for a password (Slipway runs sudo -n and never types one). Add a NOPASSWD rule on the host " +
        "with `visudo -f /etc/sudoers.d/slipway-user-nosudo`: nosudo ALL=(root) NOPASSWD: /usr/bin/id" +
        " (or nosudo ALL=(root) NOPASSWD: ALL to allow every command)",
    );
  });
});
