import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RemoteCommandError } from "../../../src/errors.js";
import {
  ConnectionPool,
  formatHostLine,
  type OutputLine,
  Redactor,
  type SshRemoteHost,
} from "../../../src/remote/index.js";
import { target, uniqueToken } from "./sandbox-targets.js";

const lines: OutputLine[] = [];
const redactor = new Redactor(["sup3r-s3cret-value"]);
const pool = new ConnectionPool({ onLine: (event) => lines.push(event), redactor });
let t1: SshRemoteHost;

beforeAll(async () => {
  t1 = await pool.get(target("t1"));
});
afterAll(() => pool.closeAll());

describe("exit codes and output", () => {
  it("returns code 0, stdout and stderr of an argv", async () => {
    const result = await t1.exec(["sh", "-c", 'echo out; echo err >&2; printf "%s" "$1"', "sh", "it's $HOME"]);
    expect(result).toMatchObject({ code: 0, signal: null, stdout: "out\nit's $HOME", stderr: "err\n" });
  });

  it("throws RemoteCommandError with exit code, stderr tail and command for a failure", async () => {
    const error = await t1
      .exec(["sh", "-c", "echo failing-now >&2; exit 3"], { step: "probe" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteCommandError);
    expect(error).toMatchObject({
      host: "t1",
      step: "probe",
      exitCode: 3,
      stderrTail: "failing-now",
      command: "sh -c 'echo failing-now >&2; exit 3'",
      message: "command failed with exit code 3",
    });
  });

  it("returns the result instead with check: false", async () => {
    const result = await t1.exec(["false"], { check: false });
    expect(result.code).toBe(1);
  });

  it("reports a signal as code null and treats it as an error", async () => {
    // The wrapper execs the command, so sshd sees the signal itself, not a shell's 128+N.
    const result = await t1.exec(["sh", "-c", "kill -TERM $$"], { check: false });
    expect([result.code, result.signal]).toEqual([null, "SIGTERM"]);
    const error = (await t1.exec(["sh", "-c", "kill -TERM $$"]).catch((e) => e)) as RemoteCommandError;
    expect(error.message).toBe("command was killed by signal SIGTERM");
    // A shell's child killed by a signal is the shell's exit code 128+N, named.
    const child = (await t1.exec(["sh", "-c", "sh -c 'kill -TERM $$'; exit $?"]).catch((e) => e)) as RemoteCommandError;
    expect(child.message).toBe("command failed with exit code 143 (128+15: probably killed by SIGTERM)");
    await expect(t1.exec(["sh", "-c", "kill -KILL $$"])).rejects.toBeInstanceOf(RemoteCommandError);
  });

  it("passes stdin as string, Buffer and stream, and honours cwd and env", async () => {
    expect((await t1.exec(["cat"], { stdin: "from string" })).stdout).toBe("from string");
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const echoed = await t1.exec(["od", "-An", "-tx1", "-v"], { stdin: bytes });
    expect(echoed.stdout.replace(/\s+/g, "")).toBe(bytes.toString("hex"));
    expect((await t1.exec(["cat"], { stdin: Readable.from(["a", "b", "c"]) })).stdout).toBe("abc");
    expect((await t1.exec(["pwd"], { cwd: "/etc" })).stdout).toBe("/etc\n");
    expect((await t1.exec(["sh", "-c", 'echo "$GREETING"'], { env: { GREETING: "hi there" } })).stdout).toBe(
      "hi there\n",
    );
  });

  it("redacts secrets in errors and streamed lines but not in the returned stdout", async () => {
    const secret = "sup3r-s3cret-value";
    const result = await t1.exec(["cat"], { stdin: `token=${secret}\n` });
    expect(result.stdout).toBe(`token=${secret}\n`);
    expect(lines.some((l) => l.line === "token=***")).toBe(true);
    expect(lines.some((l) => l.line.includes(secret))).toBe(false);
    const error = (await t1.exec(["sh", "-c", `echo ${secret} >&2; exit 1`]).catch((e) => e)) as RemoteCommandError;
    expect(error.command).not.toContain(secret);
    expect(error.stderrTail).toBe("***");
  });
});

describe("streaming", () => {
  it("delivers each line with the host while the command is still running", async () => {
    const gate = `/tmp/slipway-gate-${uniqueToken()}`;
    const seen: string[] = [];
    const running = t1.exec(
      ["sh", "-c", 'echo first; while [ ! -e "$1" ]; do sleep 0.05; done; echo second; rm -f "$1"', "sh", gate],
      {
        onStdout: (line) => {
          seen.push(line);
          // The command waits for this file: it can only exist if "first" arrived before the command ended.
          if (line === "first") void t1.exec(["touch", gate]);
        },
      },
    );
    const result = await running;
    expect(seen).toEqual(["first", "second"]);
    expect(result.stdout).toBe("first\nsecond\n");
    const streamed = lines.filter((l) => l.line === "first" || l.line === "second");
    expect(streamed.map((l) => formatHostLine(l.host, l.stream, l.line))).toEqual(["[t1] first", "[t1] second"]);
  });
});

describe("timeouts", () => {
  async function survivors(marker: string): Promise<string> {
    const { stdout } = await t1.exec(["sh", "-c", 'pgrep -af -- "$1" | grep -v pgrep || true', "sh", marker]);
    return stdout.trim();
  }

  const sleeps = (pgrepOutput: string | undefined, marker: string) =>
    (pgrepOutput ?? "").split("\n").filter((line) => new RegExp(`^\\d+ sleep ${marker}$`).test(line)).length;

  /** Runs a command that starts two `sleep <marker>` processes and says "started"; returns what pgrep saw then. */
  async function timeOut(marker: string, command: string, become: boolean) {
    let running: Promise<string> | undefined;
    const error = await t1
      .exec(["sh", "-c", command], {
        become,
        timeoutMs: 1500,
        step: "hang",
        onStdout: (line) => {
          if (line === "started") running = survivors(`sleep ${marker}`);
        },
      })
      .catch((e: unknown) => e);
    return { error, whileRunning: await running };
  }

  it("kills the whole remote process group, background children included", async () => {
    const marker = `${4000 + Math.floor(Math.random() * 1000)}.${Date.now() % 100000}`;
    const { error, whileRunning } = await timeOut(
      marker,
      `sleep ${marker} & sleep ${marker} & echo started; wait`,
      false,
    );
    expect(error).toBeInstanceOf(RemoteCommandError);
    expect((error as RemoteCommandError).message).toBe("command timed out after 1500 ms; its process group was killed");
    // The same check that finds nothing afterwards found both sleeps (and the shells around them) while it ran.
    expect(sleeps(whileRunning, marker)).toBe(2);
    expect(await survivors(`sleep ${marker}`)).toBe("");
  });

  it("kills processes started through sudo too", async () => {
    const marker = `${5000 + Math.floor(Math.random() * 1000)}.${Date.now() % 100000}`;
    const { error, whileRunning } = await timeOut(marker, `sleep ${marker} & echo started; sleep ${marker}`, true);
    expect(error).toBeInstanceOf(RemoteCommandError);
    expect((error as RemoteCommandError).message).toBe("command timed out after 1500 ms; its process group was killed");
    expect(sleeps(whileRunning, marker)).toBe(2);
    expect(await survivors(`sleep ${marker}`)).toBe("");
  });
});
