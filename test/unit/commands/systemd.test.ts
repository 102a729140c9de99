import { describe, expect, it } from "vitest";
import {
  daemonReloadArgv,
  journalArgv,
  parseUnitActive,
  systemctlArgv,
  systemdDaemonReload,
  systemdVerify,
  unitActiveArgv,
  unitLoadStateArgv,
  unitStateArgv,
} from "../../../src/commands/systemd.js";

describe("systemd builders", () => {
  it("systemctl verbs with their flags before the units", () => {
    expect(systemctlArgv("restart", ["a@blue.service", "b@blue.service"], ["--"])).toEqual([
      "systemctl",
      "restart",
      "--",
      "a@blue.service",
      "b@blue.service",
    ]);
    expect(systemctlArgv("enable", ["x.socket"], ["--now"])).toEqual(["systemctl", "enable", "--now", "x.socket"]);
    expect(systemctlArgv("is-active", ["t.timer"])).toEqual(["systemctl", "is-active", "t.timer"]);
    expect(daemonReloadArgv()).toEqual(["systemctl", "daemon-reload"]);
  });

  it("show, journal, verify", () => {
    expect(unitStateArgv("nginx")).toEqual([
      "systemctl",
      "show",
      "--property=ActiveState,UnitFileState",
      "--",
      "nginx",
    ]);
    expect(unitLoadStateArgv("certbot.timer")).toEqual([
      "systemctl",
      "show",
      "--property=LoadState",
      "--value",
      "certbot.timer",
    ]);
    expect(journalArgv(["a@blue.service", "b@blue.service"], { lines: 40 })).toEqual([
      "journalctl",
      "--no-pager",
      "-n",
      "40",
      "-u",
      "a@blue.service",
      "-u",
      "b@blue.service",
    ]);
    expect(systemdVerify("/etc/systemd/system/shop-web@.service", "green")).toEqual({
      argv: ["systemd-analyze", "verify", "/etc/systemd/system/shop-web@green.service"],
      what: "systemd-analyze verify",
    });
    expect(systemdDaemonReload()).toEqual({ argv: ["systemctl", "daemon-reload"], what: "systemctl daemon-reload" });
  });

  it("whether a unit runs: the properties the status script's unit probe reads too, as systemctl status says them", () => {
    expect(unitActiveArgv("nginx")).toEqual(["systemctl", "show", "--property=ActiveState,SubState", "--", "nginx"]);
    expect(parseUnitActive(["ActiveState=active", "SubState=running"])).toEqual({
      active: "active",
      state: "active (running)",
    });
    expect(parseUnitActive(["ActiveState=failed\r", "SubState=failed", ""])).toEqual({
      active: "failed",
      state: "failed (failed)",
    });
    expect(parseUnitActive(["ActiveState=inactive"])).toEqual({ active: "inactive", state: "not found" });
    expect(parseUnitActive([""])).toEqual({ active: "unknown", state: "unknown" });
  });
});
