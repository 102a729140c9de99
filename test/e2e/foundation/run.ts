/** Runs processes for the foundation e2e tests: local commands and commands on a target through OpenSSH. */
import { execFile } from "node:child_process";
import { type SandboxInventory, type SandboxTarget, sshArgs } from "../support/sandbox.js";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell, never throwing on a non-zero exit: tests assert on the result. */
export function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = execFile(file, args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolvePromise({ code, stdout: stdout.toString(), stderr: stderr.toString() });
    });
    child.stdin?.end();
  });
}

/** Runs one remote shell command on a target (the command must already be quoted for POSIX sh). */
export function ssh(
  target: SandboxTarget,
  command: string,
  options: { user?: string; inventory?: SandboxInventory } = {},
): Promise<RunResult> {
  return run("ssh", [...sshArgs(target, options), command]);
}

/** Like run(), but throws with the output when the command fails: for setup steps, not for what is being tested. */
export async function mustRun(result: Promise<RunResult>, what: string): Promise<RunResult> {
  const done = await result;
  if (done.code !== 0) throw new Error(`${what} failed (exit ${done.code}):\n${done.stderr}\n${done.stdout}`);
  return done;
}
