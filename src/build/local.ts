import { spawn } from "node:child_process";
import { SlipwayError } from "../errors.js";
import { shJoin } from "../remote/quote.js";
import { Redactor } from "../remote/redact.js";

/** Runs docker (or git) on the runner. Secrets reach processes through stdin or the environment only. */
export interface LocalRunOptions {
  /** Written to stdin (e.g. a registry password for `--password-stdin`). */
  input?: string;
  env?: Record<string, string>;
  cwd?: string;
  /** Each complete output line as it arrives. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  step?: string;
  hint?: string;
  /** When false, a non-zero exit is returned instead of thrown. Default true. */
  check?: boolean;
  /** Values to blank out of anything put into an error. */
  secrets?: readonly (string | undefined)[];
}

export interface LocalRunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class LocalCommandError extends SlipwayError {}

/**
 * Runs argv on the runner (no shell: each element is one argument). A program that cannot be started (not on PATH)
 * throws with `check` and returns exit code 127 without it, as a shell would have. Throws LocalCommandError on a
 * non-zero exit unless `check` is false.
 */
export async function runLocal(argv: readonly string[], options: LocalRunOptions = {}): Promise<LocalRunResult> {
  const [command, ...args] = argv;
  if (!command) throw new Error("an empty command cannot be run");
  const redact = (text: string) => new Redactor(options.secrets).redact(text);
  const output = await spawnCollect(command, args, options);
  if (output.startError) {
    if (options.check === false) return { code: 127, stdout: "", stderr: `${command}: ${output.startError.message}` };
    throw new LocalCommandError(`could not run ${command}`, {
      host: "local",
      step: options.step,
      command: redact(shJoin(argv)),
      cause: output.startError,
      hint: `check that ${command} is installed and on PATH`,
    });
  }
  const result = { code: output.code, stdout: output.stdout, stderr: output.stderr };
  if (options.check !== false && result.code !== 0) {
    throw new LocalCommandError(`${command} ${args[0] ?? ""} failed`.trim(), {
      host: "local",
      step: options.step,
      command: redact(shJoin(argv)),
      exitCode: result.code,
      stderrTail: redact(tail(result.stderr || result.stdout, 20)),
      hint: options.hint,
    });
  }
  return result;
}

/** The child's output and exit code, or the error that kept it from starting (ENOENT, EACCES). */
function spawnCollect(
  command: string,
  args: readonly string[],
  options: LocalRunOptions,
): Promise<LocalRunResult & { startError?: Error }> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    // stdin is closed at once without input: nothing on the runner waits for a terminal.
    stdio: ["pipe", "pipe", "pipe"],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  if (options.onLine) {
    const onLine = options.onLine;
    forEachLine(child.stdout, (line) => onLine(line, "stdout"));
    forEachLine(child.stderr, (line) => onLine(line, "stderr"));
  }
  // A child that exits without reading its stdin makes the write fail with EPIPE: its exit code tells what happened.
  child.stdin.on("error", () => {});
  child.stdin.end(options.input);
  return new Promise((resolve) => {
    child.on("error", (startError) => resolve({ code: null, stdout: "", stderr: "", startError: startError as Error }));
    child.on("close", (code) =>
      resolve({ code, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") }),
    );
  });
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

function forEachLine(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = "";
  stream.on("data", (chunk: Buffer | string) => {
    pending += chunk.toString();
    const lines = pending.split(/\r?\n|\r/);
    pending = lines.pop() ?? "";
    for (const line of lines) if (line !== "") onLine(line);
  });
  stream.on("end", () => {
    if (pending !== "") onLine(pending);
    pending = "";
  });
}
