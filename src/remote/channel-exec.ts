/**
 * Runs one already-built command string on an SSH connection and collects raw bytes. ssh2's channel is used directly
 * (the connection itself comes from node-ssh) because node-ssh's execCommand decodes each chunk on its own (a
 * multi-byte character split across chunks is corrupted) and cannot write a Buffer to stdin.
 */
import type { Client, ClientChannel } from "ssh2";
import { splitPgidMarker } from "./command.js";

export interface RawExecRequest {
  command: string;
  stdin?: string | Buffer | NodeJS.ReadableStream;
  timeoutMs?: number;
  /** The command was built by wrapCommand: its stderr starts with the process group id line. */
  wrapped: boolean;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Ends the remote process group on timeout (runs on another channel). */
  killGroup?: (pgid: number) => Promise<void>;
}

export interface RawExecResult {
  code: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: Buffer;
  durationMs: number;
  timedOut: boolean;
  /** Set when the timeout could not confirm the process group ended. */
  killError?: unknown;
}

/** The command was never sent to the host (no channel, or the host refused the exec request): safe to try again. */
export class ChannelOpenError extends Error {}

/**
 * The exec request was sent, then the connection dropped before the host answered it: sshd may already have started
 * the command, so it must not be sent again.
 */
export class CommandStartLostError extends Error {}

/** ssh2's error for an exec request that failed: either the host refused it, or the connection closed under it. */
const EXEC_REQUEST_FAILED = "Unable to exec";

/**
 * `setup` runs synchronously inside ssh2's callback: ssh2 may process the whole reply (data, exit-status, close) in
 * the same tick as the channel confirmation, and a plain 'exit' event emitted before a listener exists is lost.
 */
export function openExecChannel(
  client: Client,
  command: string,
  setup: (channel: ClientChannel) => void,
): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    // ssh2 emits the client's 'end'/'close' before it fails the pending requests of a dropped connection.
    let connectionLost = false;
    const onLost = () => {
      connectionLost = true;
    };
    client.on("end", onLost).on("close", onLost);
    const settle = () => client.off("end", onLost).off("close", onLost);
    try {
      client.exec(command, (error, channel) => {
        settle();
        if (error) {
          const sent = error.message === EXEC_REQUEST_FAILED && connectionLost;
          return reject(sent ? new CommandStartLostError(error.message, { cause: error }) : channelOpenError(error));
        }
        setup(channel);
        resolve(channel);
      });
    } catch (error) {
      // ssh2 throws "Not connected" when the socket is gone before anything was sent.
      settle();
      reject(channelOpenError(error));
    }
  });
}

function channelOpenError(error: unknown): ChannelOpenError {
  return new ChannelOpenError(error instanceof Error ? error.message : String(error), { cause: error });
}

export async function runRaw(client: Client, request: RawExecRequest): Promise<RawExecResult> {
  const started = performance.now();
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let markerBuffer: Buffer | null = request.wrapped ? Buffer.alloc(0) : null;
  let pgid: number | null = null;
  let code: number | null = null;
  let signal: string | null = null;
  let timedOut = false;
  let killError: unknown;
  let closed!: Promise<void>;

  const emitStderr = (chunk: Buffer) => {
    if (chunk.length === 0) return;
    stderr.push(chunk);
    request.onStderr?.(chunk);
  };

  const channel = await openExecChannel(client, request.command, (channel) => {
    closed = new Promise<void>((resolve) => channel.on("close", () => resolve()));
    channel.on("exit", (exitCode: number | null, exitSignal?: string) => {
      code = exitCode ?? null;
      signal = exitSignal ?? null; // "SIGTERM", as Node's child_process names signals
    });
    channel.on("data", (chunk: Buffer) => {
      stdout.push(chunk);
      request.onStdout?.(chunk);
    });
    channel.stderr.on("data", (chunk: Buffer) => {
      if (markerBuffer === null) return emitStderr(chunk);
      const split = splitPgidMarker(Buffer.concat([markerBuffer, chunk]));
      if (split === null) {
        markerBuffer = Buffer.concat([markerBuffer, chunk]);
        return;
      }
      markerBuffer = null;
      pgid = split.pgid;
      emitStderr(split.rest);
    });
  });

  if (request.stdin === undefined) channel.end();
  else if (typeof request.stdin === "string" || Buffer.isBuffer(request.stdin)) channel.end(request.stdin);
  else request.stdin.pipe(channel);

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    if (request.timeoutMs !== undefined) timer = setTimeout(() => resolve("timeout"), request.timeoutMs);
  });
  const first = await Promise.race([closed.then(() => "closed" as const), timeout]);
  clearTimeout(timer);
  if (first === "timeout") {
    timedOut = true;
    const group: number | null = pgid;
    if (group !== null && request.killGroup) {
      try {
        await request.killGroup(group);
      } catch (error) {
        killError = error;
      }
    } else {
      // The wrapper had not reported its group yet: ask sshd to signal the process (OpenSSH >= 7.9).
      channel.signal("KILL");
    }
    channel.close();
    await closed;
  }
  if (markerBuffer !== null && markerBuffer.length > 0) emitStderr(markerBuffer);
  return {
    code,
    signal,
    stdout: Buffer.concat(stdout),
    stderr: Buffer.concat(stderr),
    durationMs: Math.round(performance.now() - started),
    timedOut,
    ...(killError === undefined ? {} : { killError }),
  };
}
