/**
 * In-memory RemoteHost for engine and module unit tests: records every command, keeps a virtual file system and
 * emulates the handful of coreutils the modules use (stat, test, mkdir, rm, chmod, chown, touch, ln, readlink) and the
 * lock's two scripts (commands/lock.ts).
 * Anything else goes to `handlers` (by program name) or succeeds with empty output.
 */
import { createHash } from "node:crypto";
import { posix } from "node:path";
import { ConnectionError, RemoteCommandError } from "../../../src/errors.js";
import type {
  ExecOptions,
  ExecResult,
  HostFacts,
  InteractiveOptions,
  PutFileOptions,
  PutFileResult,
  RemoteHost,
} from "../../../src/remote/types.js";

export interface FakeNode {
  kind: "file" | "directory" | "link";
  content?: string;
  mode: string;
  owner: string;
  group: string;
  target?: string;
}

/** A scripted answer: the result's fields; `lines` are streamed to `onStdout` (and are stdout when it is not given). */
export type FakeAnswer = Partial<ExecResult> & { lines?: string[] };
export type FakeHandler = (argv: readonly string[], options: ExecOptions) => FakeAnswer | undefined;

export const fakeFacts: HostFacts = {
  os: { id: "debian", version: "12", prettyName: "Debian GNU/Linux 12 (bookworm)" },
  arch: "x86_64",
  initSystem: "systemd",
  docker: { version: "20.10", compose: "v1", buildx: false },
  nginx: { binary: "/usr/sbin/nginx", confDir: "/etc/nginx", version: "1.22.1" },
  freeDiskBytes: 10_000_000_000,
  deployDir: "/srv/slipway",
  current: { release: null, color: null },
  user: "deploy",
};

/**
 * The one fake host of the unit tests. `answer` (optional) answers every command first (a test that scripts the whole
 * host), then `handlers` by program name, then the built-in coreutils.
 */
export class FakeHost implements RemoteHost {
  readonly commands: Array<{ argv: string[]; become: boolean; stdin?: string; tty?: boolean }> = [];
  readonly files = new Map<string, FakeNode>();
  readonly handlers = new Map<string, FakeHandler>();
  unreachable = false;
  closed = false;

  constructor(
    readonly name = "fake",
    private readonly answer?: FakeHandler,
  ) {
    this.files.set("/", { kind: "directory", mode: "0755", owner: "root", group: "root" });
  }

  /** Argv of every command run, joined with spaces (handy for exact assertions). */
  get ran(): string[] {
    return this.commands.map((c) => c.argv.join(" "));
  }

  writeFile(path: string, content: string, mode = "0644", owner = "root"): void {
    this.files.set(path, { kind: "file", content, mode, owner, group: owner });
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (this.unreachable) throw new ConnectionError("connection refused", { host: this.name });
    const stdin = typeof options.stdin === "string" ? { stdin: options.stdin } : {};
    this.commands.push({ argv: [...argv], become: options.become ?? false, ...stdin });
    const custom = this.answer?.(argv, options) ?? this.handlers.get(argv[0] as string)?.(argv, options);
    const { lines, ...partial } = custom ?? this.builtin(argv, options.stdin);
    for (const line of lines ?? []) options.onStdout?.(line);
    const stdout = partial.stdout ?? (lines ?? []).join("\n");
    const result: ExecResult = { code: 0, signal: null, stderr: "", durationMs: 1, ...partial, stdout };
    if (result.code !== 0 && options.check !== false) {
      throw new RemoteCommandError(`command failed: ${argv.join(" ")}`, {
        host: this.name,
        step: options.step,
        command: argv.join(" "),
        exitCode: result.code,
        stderrTail: result.stderr,
      });
    }
    return result;
  }

  /** Records the command with `tty: true`; its answer's stdout (or lines) is written to the terminal as bytes. */
  async interactive(
    argv: readonly string[],
    options: InteractiveOptions,
  ): Promise<{ code: number | null; signal: string | null }> {
    if (this.unreachable) throw new ConnectionError("connection refused", { host: this.name });
    this.commands.push({ argv: [...argv], become: options.become ?? false, tty: true });
    const answer = this.answer?.(argv, {}) ?? this.handlers.get(argv[0] as string)?.(argv, {}) ?? {};
    options.stdout.write(answer.stdout ?? (answer.lines ?? []).join("\r\n"));
    return { code: answer.code ?? 0, signal: answer.signal ?? null };
  }

  private builtin(argv: readonly string[], stdin?: ExecOptions["stdin"]): FakeAnswer {
    if (argv[3] === "slipway-record") return this.record(argv.slice(4), stdin);
    if (argv[0] === "sh" && argv[3] === "slipway-lock") return this.takeLock(argv[4] as string, argv[5] as string);
    if (argv[0] === "sh" && argv[3] === "slipway-unlock") return this.releaseLock(argv[4] as string, argv[5] as string);
    const args = argv.filter((a) => a !== "--");
    const [program] = args;
    const path = args.at(-1) as string;
    const node = this.files.get(path);
    switch (program) {
      case "true":
        return {};
      case "false":
        return { code: 1 };
      case "echo":
        return { stdout: `${args.slice(1).join(" ")}\n` };
      case "stat": {
        if (!node) return { code: 1, stderr: `stat: cannot statx '${path}': No such file or directory` };
        const type = node.kind === "directory" ? "directory" : node.kind === "link" ? "symbolic link" : "regular file";
        return { stdout: `${type}|${Number.parseInt(node.mode, 8).toString(8)}|${node.owner}|${node.group}\n` };
      }
      case "readlink":
        return node?.kind === "link" ? { stdout: `${node.target}\n` } : { code: 1 };
      case "test":
        if (args[1] === "-d") return { code: node?.kind === "directory" ? 0 : 1 };
        return { code: node ? 0 : 1 };
      case "mkdir": {
        if (node && !args.includes("-p")) return { code: 1, stderr: "File exists" };
        for (let p = path; p !== "/" && !this.files.has(p); p = posix.dirname(p)) {
          this.files.set(p, { kind: "directory", mode: "0755", owner: "root", group: "root" });
        }
        return {};
      }
      case "rm":
        // Every operand (rm -f -- a b c), not only the last.
        for (const target of args.slice(1).filter((a) => !a.startsWith("-")))
          for (const key of [...this.files.keys()])
            if (key === target || key.startsWith(`${target}/`)) this.files.delete(key);
        return {};
      case "touch":
        if (!node) this.writeFile(path, "");
        return {};
      case "chmod":
        if (node) node.mode = args[1] as string;
        return {};
      case "chown": {
        const spec = args.includes("-h") ? (args[2] as string) : (args[1] as string);
        const [owner, group] = spec.split(":");
        if (node) {
          if (owner) node.owner = owner;
          if (group) node.group = group;
        }
        return {};
      }
      case "ln":
        this.files.set(path, { kind: "link", mode: "0777", owner: "root", group: "root", target: args.at(-2) });
        return {};
      default:
        return {};
    }
  }

  /** commands/record.ts recordArgv: the history (from stdin), `current`, the color file, then the intent removed. */
  private record([history, , release, current, colorFile, color, intent]: string[], stdin: unknown): FakeAnswer {
    this.writeFile(history as string, String(stdin ?? ""));
    this.files.set(current as string, { kind: "link", mode: "0777", owner: "root", group: "root", target: release });
    this.writeFile(colorFile as string, `${color}\n`);
    this.files.delete(intent as string);
    return {};
  }

  /** commands/lock.ts takeLockArgv: mkdir (fails when present), then the record. */
  private takeLock(dir: string, record: string): FakeAnswer {
    const mkdir = ["mkdir", "--", dir];
    const made = this.handlers.get("mkdir")?.(mkdir, {}) ?? this.builtin(mkdir);
    if (made.code) return made;
    this.writeFile(`${dir}/holder`, `${record}\n`);
    return {};
  }

  /** commands/lock.ts releaseLockArgv: removes the lock only when its record names the run. */
  private releaseLock(dir: string, runId: string): FakeAnswer {
    if (this.files.get(dir)?.kind !== "directory") return { stdout: "not-held\n" };
    if (!(this.files.get(`${dir}/holder`)?.content ?? "").includes(`"run_id":"${runId}"`)) {
      return { stdout: "held-by-other\n" };
    }
    const rm = ["rm", "-rf", "--", dir];
    const removed = this.handlers.get("rm")?.(rm, {}) ?? this.builtin(rm);
    return removed.code ? removed : { stdout: "released\n" };
  }

  async putFile(path: string, content: string | Buffer, options: PutFileOptions = {}): Promise<PutFileResult> {
    if (this.unreachable) throw new ConnectionError("connection refused", { host: this.name });
    const text = content.toString();
    const previous = this.files.get(path)?.content;
    this.commands.push({ argv: ["<putFile>", path], become: options.become ?? false });
    const changed = previous !== text;
    if (changed) {
      this.files.set(path, {
        kind: "file",
        content: text,
        mode: options.mode !== undefined ? options.mode.toString(8).padStart(4, "0") : "0644",
        owner: options.owner ?? "root",
        group: options.group ?? options.owner ?? "root",
      });
    }
    return { changed, previous, sha256: createHash("sha256").update(text).digest("hex") };
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    if (this.unreachable) throw new ConnectionError("connection refused", { host: this.name });
    const node = this.files.get(path);
    return node?.kind === "file" ? Buffer.from(node.content ?? "") : undefined;
  }

  async facts(options: { deployDir?: string } = {}): Promise<HostFacts> {
    if (this.unreachable) throw new ConnectionError("connection refused", { host: this.name });
    return { ...fakeFacts, user: "deploy", ...(options.deployDir ? { deployDir: options.deployDir } : {}) };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
