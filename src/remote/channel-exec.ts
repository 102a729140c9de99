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

export class ChannelOpenError extends Error {}

export function openExecChannel(client: Client, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) reject(new ChannelOpenError(error.message, { cause: error }));
      else resolve(channel);
    });
  });
}

export async function runRaw(client: Client, request: RawExecRequest): Promise<RawExecResult> {
  const started = performance.now();
  const channel = await openExecChannel(client, request.command);
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let markerBuffer: Buffer | null = request.wrapped ? Buffer.alloc(0) : null;
  let pgid: number | null = null;
  let code: number | null = null;
  let signal: string | null = null;
  let timedOut = false;
  let killError: unknown;

  const emitStderr = (chunk: Buffer) => {
    if (chunk.length === 0) return;
    stderr.push(chunk);
    request.onStderr?.(chunk);
  };

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
  channel.on("exit", (exitCode: number | null, exitSignal?: string) => {
    code = exitCode ?? null;
    signal = exitSignal ?? null;
  });

  const closed = new Promise<void>((resolve) => channel.on("close", () => resolve()));

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
