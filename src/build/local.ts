import { $ } from "zx";
import { SlipwayError } from "../errors.js";
import { shJoin } from "../remote/quote.js";
import { Redactor } from "../remote/redact.js";

/** Runs docker (or git) on the runner through zx. Secrets reach processes through stdin or the environment only. */
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

export async function runLocal(argv: readonly string[], options: LocalRunOptions = {}): Promise<LocalRunResult> {
  const [command, ...args] = argv;
  if (!command) throw new Error("an empty command cannot be run");
  const process$ = $({
    input: options.input,
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
    quiet: true,
    nothrow: true,
    verbose: false,
  })`${command} ${args}`;
  if (options.onLine) {
    const onLine = options.onLine;
    forEachLine(process$.stdout, (line) => onLine(line, "stdout"));
    forEachLine(process$.stderr, (line) => onLine(line, "stderr"));
  }
  let output: Awaited<typeof process$>;
  try {
    output = await process$;
  } catch (error) {
    throw new LocalCommandError(`could not run ${command}`, {
      host: "local",
      step: options.step,
      command: new Redactor(options.secrets).redact(shJoin(argv)),
      cause: error,
      hint: `check that ${command} is installed and on PATH`,
    });
  }
  const result = { code: output.exitCode, stdout: output.stdout, stderr: output.stderr };
  if (options.check !== false && result.code !== 0) {
    throw new LocalCommandError(`${command} ${args[0] ?? ""} failed`.trim(), {
      host: "local",
      step: options.step,
      command: new Redactor(options.secrets).redact(shJoin(argv)),
      exitCode: result.code,
      stderrTail: new Redactor(options.secrets).redact(tail(result.stderr || result.stdout, 20)),
      hint: options.hint,
    });
  }
  return result;
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
