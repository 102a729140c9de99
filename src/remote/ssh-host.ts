/**
 * RemoteHost over one SSH connection: commands (quoted, process-group wrapped, streamed, timed out), become via
 * `sudo -n`, atomic file upload, reads, mkdir/remove and facts. The connection is reopened only when it dropped
 * between commands (nothing was running, so that is safe); a command is never retried.
 */
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { NodeSSH } from "node-ssh";
import type { Channel } from "ssh2";
import {
  ABSENT_EXIT_CODE,
  ABSENT_MARKER,
  fixMetadataArgv,
  inspectArgv,
  mkdirArgv,
  parseInspection,
  readArgv,
  removeArgv,
  writeArgv,
} from "../commands/files.js";
import { ConnectionError, RemoteCommandError, SlipwayError } from "../errors.js";
import { ChannelOpenError, CommandStartLostError, runRaw } from "./channel-exec.js";
import { runPty } from "./channel-pty.js";
import { type CommandShape, innerCommand, killGroupCommand, wrapCommand } from "./command.js";
import { backoffDelay } from "./connect-errors.js";
import { checkExit, type RawOutcome } from "./exit-status.js";
import { DEFAULT_DEPLOY_DIR, FACTS_SCRIPT, parseFacts } from "./facts.js";
import { LineSplitter, type OutputStream, tail } from "./lines.js";
import { HELPER_PATH, type PlannedCommand, planCommand } from "./privilege.js";
import { ReadBatcher } from "./read-batch.js";
import { Redactor } from "./redact.js";
import { Semaphore } from "./semaphore.js";
import { type ConnectOptions, DEFAULTS, type TargetSpec } from "./target.js";
import type {
  ExecOptions,
  ExecResult,
  HostFacts,
  InteractiveOptions,
  PutFileOptions,
  PutFileResult,
  RemoteHost,
} from "./types.js";

/** Tries to open a channel for one command (each failure is cheap: nothing ran). */
const CHANNEL_OPEN_ATTEMPTS = 8;

export class SshRemoteHost implements RemoteHost {
  readonly name: string;
  readonly target: TargetSpec;
  readonly #options: ConnectOptions;
  readonly #redactor: Redactor;
  readonly #semaphore: Semaphore;
  readonly #reconnect: () => Promise<NodeSSH>;
  readonly #facts = new Map<string, HostFacts>();
  readonly #onClose: Array<() => Promise<void>> = [];
  readonly #reads = new ReadBatcher(
    async (argv, become) => (await this.#execRaw(argv, { become, step: "read files" })).raw,
    (path, become) => this.#readOne(path, become),
  );
  #ssh: NodeSSH;
  #closed = false;
  /** How many SSH connections this host has opened (1 unless one dropped and was reopened). */
  connections = 1;

  constructor(target: TargetSpec, ssh: NodeSSH, options: ConnectOptions, reconnect: () => Promise<NodeSSH>) {
    this.name = target.name;
    this.target = target;
    this.#ssh = ssh;
    this.#options = options;
    this.#redactor = options.redactor ?? new Redactor();
    this.#semaphore = new Semaphore(options.maxChannels ?? DEFAULTS.maxChannels);
    this.#reconnect = reconnect;
    this.#watch(ssh);
  }

  get redactor(): Redactor {
    return this.#redactor;
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const { raw } = await this.#execChecked(argv, options);
    return {
      code: raw.code,
      signal: raw.signal,
      stdout: raw.stdout.toString("utf8"),
      stderr: raw.stderr.toString("utf8"),
      durationMs: raw.durationMs,
    };
  }

  /** With a pty the process-group wrapper is not used: its marker would reach the terminal, and sshd hangs up the
   * terminal's session (SIGHUP) when the channel closes. The same privilege plan and sudo wrapping as exec. */
  async interactive(
    argv: readonly string[],
    options: InteractiveOptions,
  ): Promise<{ code: number | null; signal: string | null }> {
    const planned = this.#plan(argv, options);
    const shape = { become: planned.sudo, becomeUser: options.becomeUser ?? this.target.becomeUser ?? "root" };
    const command = innerCommand(planned.argv, shape);
    const { term, rows, cols } = options;
    return this.#withConnection(options.step, (ssh) =>
      runPty(ssh.connection as NonNullable<NodeSSH["connection"]>, { ...options, command, pty: { term, rows, cols } }),
    ).catch((error: unknown) => {
      if (!(error instanceof ChannelOpenError)) throw error;
      throw new ConnectionError(`could not start the command: ${error.message}`, {
        host: this.name,
        step: options.step,
        command: this.#redactor.redact(command),
        hint: "nothing ran on the host; check that it is reachable and try again",
        cause: error,
      });
    });
  }

  async putFile(path: string, content: string | Buffer, options: PutFileOptions = {}): Promise<PutFileResult> {
    const data = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    const sha256 = createHash("sha256").update(data).digest("hex");
    const step = options.step ?? `put ${path}`;
    if (options.unconditional) {
      await this.#execChecked(writeArgv(path, { ...options, size: data.length }), {
        become: options.become,
        step,
        stdin: data,
      });
      return { changed: true, sha256 };
    }
    const inspected = await this.#execChecked(inspectArgv(path, sha256), { become: options.become, step });
    const info = parseInspection(inspected.raw.stdout);
    if (info.kind === "not-a-file") {
      throw new RemoteCommandError(`${path} exists and is not a regular file`, {
        host: this.name,
        step,
        hint: "remove or rename it on the host, or choose another path",
      });
    }
    if (info.kind === "present" && info.sha256 === sha256) {
      const metadataMatches =
        (options.mode === undefined || info.mode === options.mode) &&
        (!options.owner || info.owner === options.owner) &&
        (!options.group || info.group === options.group);
      const previous = data.toString("utf8");
      if (metadataMatches) return { changed: false, previous, sha256 };
      await this.#execChecked(fixMetadataArgv(path, options), { become: options.become, step });
      return { changed: true, previous, sha256 };
    }
    await this.#execChecked(writeArgv(path, { ...options, size: data.length }), {
      become: options.become,
      step,
      stdin: data,
    });
    const previous = info.kind === "present" ? info.content?.toString("utf8") : undefined;
    return previous === undefined ? { changed: true, sha256 } : { changed: true, previous, sha256 };
  }

  /**
   * The file's bytes, undefined when absent. Reads started together share one command (ReadBatcher), except
   * privileged reads in helper mode: the helper has a verb for one file's read only.
   */
  async readFile(path: string, options: { become?: boolean } = {}): Promise<Buffer | undefined> {
    const become = options.become === true;
    if (become && this.target.privilege?.mode === "helper") return this.#readOne(path, become);
    return this.#reads.read(path, become);
  }

  async #readOne(path: string, become: boolean): Promise<Buffer | undefined> {
    const step = `read ${path}`;
    const outcome = await this.#execRaw(readArgv(path), { become, step });
    const { raw } = outcome;
    if (raw.code === ABSENT_EXIT_CODE && raw.stderr.toString().includes(ABSENT_MARKER)) return undefined;
    await this.#check(outcome, { become, step });
    return raw.stdout;
  }

  /** `mkdir -p` (mode applies to the last component). */
  async mkdir(path: string, options: { mode?: number; become?: boolean; step?: string } = {}): Promise<void> {
    await this.#execChecked(mkdirArgv(path, options.mode), { become: options.become, step: options.step });
  }

  /** Remove a file (or a tree with recursive); absent is fine. Refuses relative paths and `/`. */
  async remove(path: string, options: { recursive?: boolean; become?: boolean; step?: string } = {}): Promise<void> {
    await this.#execChecked(removeArgv(path, options), { become: options.become, step: options.step });
  }

  async facts(options: { deployDir?: string; refresh?: boolean } = {}): Promise<HostFacts> {
    const deployDir = options.deployDir ?? DEFAULT_DEPLOY_DIR;
    const cached = this.#facts.get(deployDir);
    if (cached && !options.refresh) return cached;
    const { raw } = await this.#execChecked(["/bin/sh", "-c", FACTS_SCRIPT, "slipway-facts", deployDir], {
      step: "facts",
    });
    const facts = parseFacts(raw.stdout.toString("utf8"));
    this.#facts.set(deployDir, facts);
    return facts;
  }

  /** A TCP channel from this host to host:port (how a jump host carries the next connection). */
  forwardOut(host: string, port: number): Promise<Channel> {
    return this.#ssh.forwardOut("127.0.0.1", 0, host, port);
  }

  /** Run when this host closes (a standalone connection closes its own jump host). */
  onClose(callback: () => Promise<void>): void {
    this.#onClose.push(callback);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#ssh.dispose();
    for (const callback of this.#onClose) await callback();
  }

  #watch(ssh: NodeSSH): void {
    // An 'error' event without a listener would crash the process (e.g. keepalive timeout): record it instead; the
    // next command sees the connection gone and reopens it.
    ssh.connection?.on("error", () => {});
  }

  async #execChecked(argv: readonly string[], options: ExecOptions): Promise<RawOutcome> {
    const outcome = await this.#execRaw(argv, options);
    await this.#check(outcome, options);
    return outcome;
  }

  async #execRaw(argv: readonly string[], options: ExecOptions): Promise<RawOutcome> {
    if (this.#closed) throw new ConnectionError("the connection was closed", { host: this.name, step: options.step });
    const planned = this.#plan(argv, options);
    const shape: CommandShape = {
      become: planned.sudo,
      becomeUser: options.becomeUser ?? this.target.becomeUser ?? "root",
      cwd: options.cwd,
      // The sudoers rule names the helper, not `env`; the helper takes what it needs (a CA bundle) from its records.
      env: planned.sudo && planned.argv[0] === HELPER_PATH ? undefined : options.env,
    };
    const display = this.#redactor.redact(innerCommand(planned.argv, shape));
    const command = wrapCommand(planned.argv, shape);
    const stdoutLines = this.#splitter("stdout", options.onStdout);
    const stderrLines = this.#splitter("stderr", options.onStderr);
    const raw = await this.#semaphore
      .run(() =>
        this.#withConnection(options.step, (ssh) =>
          runRaw(ssh.connection as NonNullable<NodeSSH["connection"]>, {
            command,
            stdin: options.stdin,
            timeoutMs: options.timeoutMs,
            wrapped: true,
            onStdout: stdoutLines && ((chunk) => stdoutLines.push(chunk)),
            onStderr: stderrLines && ((chunk) => stderrLines.push(chunk)),
            killGroup: (pgid) => this.#killGroup(pgid, shape.become ? (shape.becomeUser ?? "root") : null),
          }),
        ),
      )
      .catch((error: unknown) => {
        if (error instanceof ChannelOpenError) {
          throw new ConnectionError(`could not start the command: ${error.message}`, {
            host: this.name,
            step: options.step,
            command: display,
            hint:
              "nothing ran on the host. sshd kept refusing new sessions (is MaxSessions below maxChannels?) or the " +
              "connection could not be reopened; check the host's sshd and try again",
            cause: error,
          });
        }
        if (!(error instanceof CommandStartLostError)) throw error;
        throw new RemoteCommandError("the connection was lost while the command was starting", {
          host: this.name,
          step: options.step,
          command: display,
          exitCode: null,
          hint: "the command may have run in part or in full (it is not retried); check the host's state before running it again",
          cause: error,
        });
      });
    stdoutLines?.end();
    stderrLines?.end();
    if (raw.timedOut) {
      const killed = raw.killError === undefined ? "its process group was killed" : "killing it may have failed";
      throw new RemoteCommandError(`command timed out after ${options.timeoutMs} ms; ${killed}`, {
        host: this.name,
        step: options.step,
        command: display,
        exitCode: null,
        stderrTail: this.#redactor.redact(tail(raw.stderr.toString("utf8"))),
        hint: "raise timeoutMs for this step if the command is just slow, or look at why it hangs (its stderr is above)",
        cause: raw.killError,
      });
    }
    return { raw, display, planned };
  }

  /** The host's privilege mode decides how a become command runs (the one place: src/remote/privilege.ts). */
  #plan(argv: readonly string[], options: ExecOptions): PlannedCommand {
    try {
      return planCommand(argv, options.become === true, this.target.privilege ?? { mode: "root" });
    } catch (error) {
      if (!(error instanceof SlipwayError)) throw error;
      throw new RemoteCommandError(error.message, {
        host: this.name,
        step: options.step ?? error.step,
        command: this.#redactor.redact(error.command ?? ""),
        hint: error.hint,
      });
    }
  }

  #check(outcome: RawOutcome, options: ExecOptions): Promise<void> {
    return checkExit(outcome, options, {
      target: this.target,
      redactor: this.#redactor,
      resolveProgram: (program) => this.#resolveProgram(program),
    });
  }

  /** The absolute path sudoers needs for a program name (an extra round trip, only on the sudo error path). */
  async #resolveProgram(program: string): Promise<string> {
    if (program.startsWith("/")) return program;
    try {
      const script = 'PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" command -v "$1"';
      const { raw } = await this.#execRaw(["/bin/sh", "-c", script, "slipway-which", program], { step: "sudo" });
      const path = raw.stdout.toString("utf8").trim();
      return path.startsWith("/") ? path : program;
    } catch {
      return program;
    }
  }

  #splitter(stream: OutputStream, callback?: (line: string) => void): LineSplitter | undefined {
    const onLine = this.#options.onLine;
    if (!callback && !onLine) return undefined;
    return new LineSplitter((line) => {
      const safe = this.#redactor.redact(line);
      callback?.(safe);
      onLine?.({ host: this.name, stream, line: safe });
    });
  }

  async #withConnection<T>(step: string | undefined, run: (ssh: NodeSSH) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (!this.#ssh.isConnected()) await this.#reopen(step);
      try {
        return await run(this.#ssh);
      } catch (error) {
        // A ChannelOpenError means the command was never sent (a sent one fails as CommandStartLostError), so trying
        // again is safe. sshd refuses a session for a moment after another one closed when MaxSessions is reached (it
        // frees sessions lazily), and a dropped connection is reopened.
        if (!(error instanceof ChannelOpenError) || attempt >= CHANNEL_OPEN_ATTEMPTS) throw error;
        await sleep(backoffDelay(attempt, 20));
      }
    }
  }

  async #reopen(step: string | undefined): Promise<void> {
    if (this.#closed) throw new ConnectionError("the connection was closed", { host: this.name, step });
    this.#ssh = await this.#reconnect();
    this.connections++;
    this.#watch(this.#ssh);
  }

  async #killGroup(pgid: number, becomeUser: string | null): Promise<void> {
    const raw = await runRaw(this.#ssh.connection as NonNullable<NodeSSH["connection"]>, {
      command: killGroupCommand(pgid, becomeUser),
      wrapped: false,
      timeoutMs: 10_000,
    });
    if (raw.code !== 0) {
      throw new Error(`process group ${pgid} still alive after SIGKILL: ${raw.stderr.toString("utf8").trim()}`);
    }
  }
}
