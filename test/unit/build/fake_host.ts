import type { ExecOptions, ExecResult, HostFacts, RemoteHost } from "../../../src/remote/types.js";

/** A RemoteHost that answers from a script and records every call (argv and stdin). */
export type Answer = Partial<ExecResult> & { lines?: string[] };

export class FakeHost implements RemoteHost {
  readonly calls: { argv: string[]; stdin?: string }[] = [];
  constructor(
    readonly name: string,
    private readonly answer: (argv: readonly string[]) => Answer,
  ) {}

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.calls.push({ argv: [...argv], stdin: typeof options.stdin === "string" ? options.stdin : undefined });
    const answer = this.answer(argv);
    for (const line of answer.lines ?? []) options.onStdout?.(line);
    const result = {
      code: answer.code ?? 0,
      signal: null,
      stdout: answer.stdout ?? (answer.lines ?? []).join("\n"),
      stderr: answer.stderr ?? "",
      durationMs: 1,
    };
    if (result.code !== 0 && options.check !== false) {
      throw Object.assign(new Error(`${argv.join(" ")} failed`), { name: "RemoteCommandError" });
    }
    return result;
  }
  async putFile(): Promise<never> {
    throw new Error("not used");
  }
  async readFile(): Promise<undefined> {
    return undefined;
  }
  async facts(): Promise<HostFacts> {
    throw new Error("not used");
  }
  async close(): Promise<void> {}
}
