import { describe, expect, it } from "vitest";
import { slipway } from "../../support/cli-in-process.js";

const CONFIG = ["-c", "examples/harvest/slipway.yml"];

describe("status, logs, exec: help and usage errors (no host reached)", () => {
  it("--help names the options", async () => {
    expect(await slipway("status", "--help")).toMatchObject({ code: 0, stdout: expect.stringContaining("--json") });
    expect(await slipway("logs", "--help")).toMatchObject({ code: 0, stdout: expect.stringContaining("--since") });
    expect(await slipway("exec", "--help")).toMatchObject({ code: 0, stdout: expect.stringContaining("--all") });
  });

  it("a bad flag value, an unknown service, a missing command: exit 5 with what to write", async () => {
    expect(await slipway("logs", "--since", "ten", ...CONFIG)).toMatchObject({
      code: 5,
      stderr: expect.stringContaining("--since ten: expected a duration like 30s, 10m or 2h"),
    });
    expect((await slipway("logs", "--color", "red", ...CONFIG)).code).toBe(5);
    expect((await slipway("logs", "-n", "many", ...CONFIG)).code).toBe(5);
    expect(await slipway("logs", "nosuch", ...CONFIG)).toMatchObject({
      code: 5,
      stderr: expect.stringMatching(/no service "nosuch" in slipway.yml[\s\S]*services are: backend, frontend/),
    });
    expect(await slipway("exec", "backend", ...CONFIG)).toMatchObject({
      code: 5,
      stderr: expect.stringContaining("exec needs a command after --"),
    });
    expect((await slipway("exec", "nosuch", ...CONFIG, "--", "true")).code).toBe(5);
  });

  it("-t needs a terminal on stdin and one host: exit 5 with docker's sentence and what to do", async () => {
    expect(await slipway("exec", "-it", "backend", ...CONFIG, "--", "sh")).toMatchObject({
      code: 5,
      stderr: expect.stringContaining("exec -t: the input device is not a TTY"),
    });
    expect(await slipway("exec", "-t", "--all", "backend", ...CONFIG, "--", "sh")).toMatchObject({
      code: 5,
      stderr: expect.stringContaining("exec -t cannot be used with --all: a terminal attaches to one host"),
    });
    expect((await slipway("exec", "--help")).stdout).toContain("-t, --tty");
  });
});
