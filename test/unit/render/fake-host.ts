/**
 * An in-memory RemoteHost for unit tests: files in a Map, every call logged, exec answered by a handler that can
 * look at the files (so a fake `nginx -t` can reject what is in place).
 */
import type {
  ExecOptions,
  ExecResult,
  HostFacts,
  PutFileOptions,
  PutFileResult,
  RemoteHost,
} from "../../../src/remote/types.js";

export type ExecHandler = (
  argv: readonly string[],
  files: Map<string, string>,
) => { code: number; stderr?: string; stdout?: string };

export class FakeHost implements RemoteHost {
  readonly name = "fake";
  readonly files = new Map<string, string>();
  readonly log: string[] = [];

  constructor(private readonly handler: ExecHandler = () => ({ code: 0 })) {}

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.log.push(`exec ${argv.join(" ")}`);
    if (argv[0] === "rm") {
      this.files.delete(argv[argv.length - 1] as string);
      return { code: 0, signal: null, stdout: "", stderr: "", durationMs: 0 };
    }
    const answer = this.handler(argv, this.files);
    const result = {
      code: answer.code,
      signal: null,
      stdout: answer.stdout ?? "",
      stderr: answer.stderr ?? "",
      durationMs: 0,
    };
    if (answer.code !== 0 && options.check !== false) throw new Error(`fake exec failed: ${argv.join(" ")}`);
    return result;
  }

  async putFile(path: string, content: string | Buffer, _options?: PutFileOptions): Promise<PutFileResult> {
    const text = content.toString();
    const previous = this.files.get(path);
    this.log.push(`put ${path}`);
    this.files.set(path, text);
    return { changed: previous !== text, previous, sha256: "" };
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    const text = this.files.get(path);
    return text === undefined ? undefined : Buffer.from(text);
  }

  async facts(): Promise<HostFacts> {
    throw new Error("facts are not faked");
  }

  async close(): Promise<void> {}
}
