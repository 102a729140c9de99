import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fromFileScript, pipeScript, toFileScript, writeSecretArgv } from "../../../src/backup/shell.js";
import { PIPE, streamParts } from "../../../src/commands/stream.js";

/** Runs the scripts with dash, the strictest common /bin/sh, to prove they are POSIX and catch failures. */
function dash(argv: string[], input?: string) {
  const [sh, ...rest] = argv;
  expect(sh).toBe("sh");
  return spawnSync("dash", rest, { input, encoding: "utf8" });
}

describe("shell scripts", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-shell-"));

  it("builds exact argv: paths and commands are positional parameters, the scripts constants", () => {
    expect(toFileScript(["pg_dump", "-Fc", "-d", "my db"], "/b/x y.part")).toEqual([
      ...["sh", "-c", 'umask 077; f=$1; shift; exec "$@" > "$f"', "sh", "/b/x y.part", "pg_dump", "-Fc", "-d", "my db"],
    ]);
    expect(fromFileScript(["pg_restore", "--list"], "/b/x")).toEqual([
      ...["sh", "-c", 'f=$1; shift; exec "$@" < "$f"', "sh", "/b/x", "pg_restore", "--list"],
    ]);
    expect(pipeScript(["gzip", "-dc"], ["tail", "-n", "1"], { input: "/b/in", statusFile: "/b/s" })).toEqual([
      ...["sh", "-c", PIPE, "sh", "/b/s", "/b/in", "", "2", "gzip", "-dc", "tail", "-n", "1"],
    ]);
    expect(streamParts(pipeScript(["a", "b c"], ["d"], { output: "/o", statusFile: "/s" }))?.commands).toEqual([
      ["a", "b c"],
      ["d"],
    ]);
    expect(streamParts(["sh", "-c", "exec x", "sh"])).toBeUndefined();
  });

  it("the scripts run under dash with any words: spaces, quotes, an empty argument", () => {
    const file = path.join(dir, "a b's.txt");
    expect(dash(toFileScript(["printf", "%s|", "x y", "", "it's"], file)).status).toBe(0);
    expect(readFileSync(file, "utf8")).toBe("x y||it's|");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(dash(fromFileScript(["tr", "|", "-"], file)).stdout).toBe("x y--it's-");
    const piped = dash(pipeScript(["cat", "--", file], ["tr", "a-z", "A-Z"], { statusFile: `${file}.status` }));
    expect([piped.status, piped.stdout]).toEqual([0, "X Y||IT'S|"]);
  });

  it("a pipe fails when its first stage fails, even though gzip succeeds", () => {
    const out = path.join(dir, "fail.gz");
    const result = dash(
      pipeScript(["sh", "-c", "echo partial; exit 3"], ["gzip", "-c"], { output: out, statusFile: `${out}.status` }),
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("sh exited with status 3");
  });

  it("a pipe that works writes a 0600 file", () => {
    const out = path.join(dir, "ok.gz");
    const result = dash(pipeScript(["printf", "hello"], ["gzip", "-c"], { output: out, statusFile: `${out}.status` }));
    expect(result.status).toBe(0);
    expect(execFileSync("gzip", ["-dc", out], { encoding: "utf8" })).toBe("hello");
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it("writes a secret 0600 and refuses to overwrite an existing file", () => {
    const secret = path.join(dir, "secret");
    expect(dash(writeSecretArgv([], secret), "pw").status).toBe(0);
    expect(readFileSync(secret, "utf8")).toBe("pw");
    expect(statSync(secret).mode & 0o777).toBe(0o600);
    expect(dash(writeSecretArgv([], secret), "other").status).not.toBe(0);
    expect(readFileSync(secret, "utf8")).toBe("pw");
  });
});
