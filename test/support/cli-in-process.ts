/**
 * The real `slipway` program run in this process, as bin/slipway's main() runs it, with its stdout and stderr
 * captured apart: for unit tests of the CLI's words and for e2e tests of commands against the sandbox. (The fault
 * suite runs the CLI in a child process instead, so a fault can kill it: test/e2e/deploy/fault-support.ts.)
 */
import { CliRun } from "../../src/cli/_run.js";
import { commandModules } from "../../src/cli/index.js";
import { createProgram, runProgram } from "../../src/cli/main.js";

export interface Ran {
  /** The exit code (src/cli/_exit.ts). */
  code: number;
  stdout: string;
  stderr: string;
}

/** `slipway ...argv`; process.exitCode is left as it was found (unset). */
export async function slipway(...argv: string[]): Promise<Ran> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const run = new CliRun({ stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) });
  process.exitCode = undefined;
  try {
    const code = await runProgram(createProgram(commandModules, run), ["node", "slipway", ...argv], run);
    return { code, stdout: stdout.join(""), stderr: stderr.join("") };
  } finally {
    process.exitCode = undefined;
  }
}
