import { describe, expect, it } from "vitest";
import { LocalCommandError, runLocal } from "../../../src/build/local.js";

describe("runLocal (argv on the runner, no shell)", () => {
  it("returns the exit code and both streams; each argv element is one argument", async () => {
    const r = await runLocal(["sh", "-c", 'printf "%s|" "$@"; echo err >&2; exit 0', "sh", "a b", "$HOME", "*"]);
    expect(r).toEqual({ code: 0, stdout: "a b|$HOME|*|", stderr: "err\n" });
  });

  it("writes input to stdin and closes it; without input stdin is already closed", async () => {
    expect((await runLocal(["cat"], { input: "secret\n" })).stdout).toBe("secret\n");
    expect((await runLocal(["cat"])).stdout).toBe("");
  });

  it("passes env and cwd", async () => {
    const r = await runLocal(["sh", "-c", 'echo "$X $(pwd)"'], { env: { X: "y" }, cwd: "/tmp" });
    expect(r.stdout).toBe("y /tmp\n");
  });

  it("throws LocalCommandError on a non-zero exit, secrets redacted; returns it with check: false", async () => {
    const argv = ["sh", "-c", "echo no >&2; exit 3", "sh", "hunter2"];
    const error = await runLocal(argv, { step: "s", secrets: ["hunter2"], hint: "h" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalCommandError);
    const e = error as LocalCommandError;
    expect([e.message, e.exitCode, e.stderrTail, e.hint, e.step]).toEqual(["sh -c failed", 3, "no", "h", "s"]);
    expect(e.command).not.toContain("hunter2");
    expect(await runLocal(argv, { check: false })).toEqual({ code: 3, stdout: "", stderr: "no\n" });
  });

  it("a program not on PATH: 127 with check: false (as a shell said), a clear error otherwise", async () => {
    const missing = ["slipway-no-such-program", "x"];
    const r = await runLocal(missing, { check: false });
    expect(r.code).toBe(127);
    const error = await runLocal(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalCommandError);
    expect((error as LocalCommandError).message).toBe("could not run slipway-no-such-program");
    expect((error as LocalCommandError).hint).toBe("check that slipway-no-such-program is installed and on PATH");
  });

  it("reports each complete line as it comes, the last one without a newline too", async () => {
    const lines: string[] = [];
    await runLocal(["sh", "-c", "printf 'a\\nb\\r\\nc'; printf 'd\\n' >&2"], {
      onLine: (l, s) => lines.push(`${s}:${l}`),
    });
    expect(lines.sort()).toEqual(["stderr:d", "stdout:a", "stdout:b", "stdout:c"]);
  });
});
