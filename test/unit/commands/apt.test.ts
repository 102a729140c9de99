import { describe, expect, it } from "vitest";
import { aptInstallArgv, aptRemoveArgv, aptUpdateArgv, dpkgQueryArgv } from "../../../src/commands/apt.js";

describe("apt builders", () => {
  it("query, install (recommends only when asked), remove, update", () => {
    expect(dpkgQueryArgv(["nginx"])).toEqual([
      "dpkg-query",
      "-W",
      "-f",
      "${Package} ${db:Status-Abbrev}\\n",
      "--",
      "nginx",
    ]);
    expect(aptInstallArgv(["curl"], true)).toEqual([
      "env",
      "DEBIAN_FRONTEND=noninteractive",
      "apt-get",
      "install",
      "-y",
      "-q",
      "--",
      "curl",
    ]);
    expect(aptInstallArgv(["curl"], false)).toContain("--no-install-recommends");
    expect(aptRemoveArgv(["a"])).toEqual([
      "env",
      "DEBIAN_FRONTEND=noninteractive",
      "apt-get",
      "remove",
      "-y",
      "-q",
      "--",
      "a",
    ]);
    expect(aptUpdateArgv()).toEqual(["apt-get", "update", "-q"]);
  });
});
