import { CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { EXIT, exitCodeForError, exitCodeForOutcome } from "../../../src/cli/_exit.js";
import {
  ConfigError,
  ConnectionError,
  HostKeyError,
  RemoteCommandError,
  SlipwayError,
  UsageError,
} from "../../../src/errors.js";

describe("exit code of a finished run", () => {
  it.each([
    ["nothing changed", { failed: 0, unreachable: 0, changed: 0 }, false, 0],
    ["changes, without --detailed-exitcode", { failed: 0, unreachable: 0, changed: 2 }, false, 0],
    ["changes, with --detailed-exitcode", { failed: 0, unreachable: 0, changed: 2 }, true, 10],
    ["no changes, with --detailed-exitcode", { failed: 0, unreachable: 0, changed: 0 }, true, 0],
    ["a failed host", { failed: 1, unreachable: 0, changed: 1 }, true, 2],
    ["an unreachable host", { failed: 0, unreachable: 1, changed: 1 }, true, 3],
    ["failed wins over unreachable", { failed: 1, unreachable: 1, changed: 0 }, false, 2],
    ["interrupted wins over failed", { failed: 1, unreachable: 0, changed: 0, interrupted: true }, false, 130],
  ])("%s", (_what, outcome, detailed, code) => {
    expect(exitCodeForOutcome(outcome, detailed)).toBe(code);
  });
});

describe("exit code of an error", () => {
  it.each<[string, unknown, number]>([
    ["help or version (Commander, exit 0)", new CommanderError(0, "commander.helpDisplayed", "(outputHelp)"), 0],
    ["unknown option (Commander)", new CommanderError(1, "commander.unknownOption", "unknown option"), EXIT.usage],
    ["a flag value of the wrong shape", new UsageError("--drain soon"), EXIT.usage],
    ["invalid config or --limit", new ConfigError("bad"), EXIT.config],
    ["connection refused", new ConnectionError("refused", { host: "t1" }), EXIT.unreachable],
    ["host key mismatch", new HostKeyError("mismatch", { host: "t1" }), EXIT.unreachable],
    ["a command failed on a host", new RemoteCommandError("exit 1", { host: "t1" }), EXIT.hostFailed],
    ["any error naming a host", new SlipwayError("no backup", { host: "t1" }), EXIT.hostFailed],
    ["an error naming no host", new SlipwayError("cannot read"), EXIT.error],
    ["a bug", new TypeError("x is undefined"), EXIT.error],
  ])("%s", (_what, error, code) => {
    expect(exitCodeForError(error)).toBe(code);
  });
});
