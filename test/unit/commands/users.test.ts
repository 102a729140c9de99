import { describe, expect, it } from "vitest";
import {
  addGroupsArgv,
  addUserArgv,
  ENSURE_USER_SCRIPT,
  ensureUserArgv,
  removeUserArgv,
  setShellArgv,
  userExistsArgv,
  userGroupsArgv,
} from "../../../src/commands/users.js";

describe("user builders", () => {
  it("the playbook user module's commands", () => {
    expect(addUserArgv({ name: "deploy", shell: "/bin/bash" })).toEqual([
      "useradd",
      "--create-home",
      "--shell",
      "/bin/bash",
      "--",
      "deploy",
    ]);
    expect(
      addUserArgv({ name: "d", shell: "/bin/sh", home: "/srv/d", system: true, groups: ["docker", "adm"] }),
    ).toEqual([
      "useradd",
      "--create-home",
      "--shell",
      "/bin/sh",
      "--home-dir",
      "/srv/d",
      "--system",
      "--groups",
      "docker,adm",
      "--",
      "d",
    ]);
    expect(removeUserArgv("d")).toEqual(["userdel", "--", "d"]);
    expect(setShellArgv("d", "/bin/zsh")).toEqual(["usermod", "--shell", "/bin/zsh", "--", "d"]);
    expect(addGroupsArgv("d", ["a", "b"])).toEqual(["usermod", "--append", "--groups", "a,b", "--", "d"]);
    expect(userExistsArgv("d")).toEqual(["getent", "passwd", "d"]);
    expect(userGroupsArgv("d")).toEqual(["id", "-nG", "d"]);
  });

  it("the app user: no home, no shell, the name as $1", () => {
    expect(ensureUserArgv("app-shop")).toEqual(["sh", "-c", ENSURE_USER_SCRIPT, "sh", "app-shop"]);
    expect(ENSURE_USER_SCRIPT).toContain("useradd --system --user-group --no-create-home");
  });
});
