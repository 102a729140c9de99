/**
 * The contract between the engine/modules and the SSH layer. Modules only ever see a RemoteHost; src/remote is the
 * only code that talks SSH. Commands are argv arrays (quoted by shJoin inside the remote layer), never strings.
 */
import type { ComposeFlavour } from "./facts.js";

export interface ExecOptions {
  /** Run through `sudo -n` (as `becomeUser`, default root). */
  become?: boolean;
  becomeUser?: string;
  /** Bytes written to the command's stdin (how secrets reach a remote process: never argv). A stream is piped
   * (e.g. `docker save | gzip` into `docker load`) without buffering it in memory. */
  stdin?: string | Buffer | NodeJS.ReadableStream;
  /** Working directory on the host. */
  cwd?: string;
  /** Extra environment, passed with `env K=V` inside the quoted command (not for secrets: use stdin or files). */
  env?: Record<string, string>;
  /** Milliseconds; on expiry the remote process group is killed and a RemoteCommandError is thrown. */
  timeoutMs?: number;
  /** When false, a non-zero exit (or a signal) returns the result instead of throwing; a command that ended with no
   * exit status at all (the connection dropped) still throws. Default true. */
  check?: boolean;
  /** Each complete line of output as it arrives. */
  onStdout?: (line: string) => void;
  onStderr?: (line: string) => void;
  /** The step name carried into errors. */
  step?: string;
}

export interface ExecResult {
  /** Exit code; null only when killed by a signal (which is reported as an error unless check is false). */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** A command run with a pseudo-terminal (`slipway exec -it`): bytes through, no line splitting, no timeout. */
export interface InteractiveOptions {
  /** Run through the host's privilege mode as exec's `become` does. */
  become?: boolean;
  becomeUser?: string;
  step?: string;
  /** $TERM for the remote terminal and its size in characters. */
  term: string;
  rows: number;
  cols: number;
  /** Local input piped to the terminal (`-i`); absent: the remote side reads nothing. */
  stdin?: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Registers a listener for local window size changes (SIGWINCH); returns its removal. */
  onResize?: (listener: (rows: number, cols: number) => void) => () => void;
}

export interface PutFileOptions {
  mode?: number;
  owner?: string;
  group?: string;
  become?: boolean;
  step?: string;
  /** Keep the previous content as `<path>.slipway-prev` when it changes. */
  backup?: boolean;
  /**
   * Write without reading what is there first: one round trip instead of two. For Slipway's own state files whose
   * content is known to differ from what is there (a new lock record, intent, history); the result's `changed` is
   * true and `previous` unknown.
   */
  unconditional?: boolean;
}

export interface PutFileResult {
  changed: boolean;
  /** Previous content (undefined when the file did not exist); used for diffs. */
  previous?: string;
  sha256: string;
}

export interface HostFacts {
  os: { id: string; version: string; prettyName: string };
  arch: string;
  initSystem: "systemd" | "other";
  docker: { version: string | null; compose: ComposeFlavour | null; buildx: boolean };
  nginx: { binary: string | null; confDir: string | null; version: string | null };
  freeDiskBytes: number | null;
  deployDir: string;
  current: { release: string | null; color: "blue" | "green" | null };
  user: string;
}

export interface RemoteHost {
  /** Inventory name of the host (what errors and logs show). */
  readonly name: string;
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Runs argv with a pseudo-terminal; resolves with the remote exit code (null and a signal when killed by one). */
  interactive?(
    argv: readonly string[],
    options: InteractiveOptions,
  ): Promise<{ code: number | null; signal: string | null }>;
  /** Atomic upload of content: temp file in the target dir, mode/owner, rename; unchanged content is not written. */
  putFile(path: string, content: string | Buffer, options?: PutFileOptions): Promise<PutFileResult>;
  /** File content, or undefined when absent. */
  readFile(path: string, options?: { become?: boolean }): Promise<Buffer | undefined>;
  facts(options?: { deployDir?: string; refresh?: boolean }): Promise<HostFacts>;
  close(): Promise<void>;
}
