/**
 * Runs one already-built command string on an SSH connection with a pseudo-terminal (ssh2's exec `pty` option), for
 * `slipway exec -it`: local input is piped to the channel as bytes, the terminal's output (stdout and stderr are one
 * stream on a pty) is written through as bytes, and the window size follows the local terminal.
 */
import type { Client, ClientChannel, PseudoTtyOptions } from "ssh2";
import { ChannelOpenError } from "./channel-exec.js";

export interface PtyRequest {
  command: string;
  /** $TERM of the local terminal, and its size in characters. */
  pty: { term: string; rows: number; cols: number };
  /** Piped to the remote terminal when given (`-i`); without it the remote side reads nothing. */
  stdin?: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Registers a listener for local window size changes; returns its removal. */
  onResize?: (listener: (rows: number, cols: number) => void) => () => void;
}

export interface PtyResult {
  code: number | null;
  signal: string | null;
}

/** Opens the pty channel, waits for the remote command to end. Throws ChannelOpenError when nothing ran. */
export function runPty(client: Client, request: PtyRequest): Promise<PtyResult> {
  const { term, rows, cols } = request.pty;
  const pty: PseudoTtyOptions = { term, rows, cols, width: 0, height: 0 };
  return new Promise((resolve, reject) => {
    try {
      client.exec(request.command, { pty }, (error, channel) => {
        if (error) return reject(new ChannelOpenError(error.message, { cause: error }));
        attach(channel, request, resolve);
      });
    } catch (error) {
      reject(new ChannelOpenError(error instanceof Error ? error.message : String(error), { cause: error }));
    }
  });
}

function attach(channel: ClientChannel, request: PtyRequest, done: (result: PtyResult) => void): void {
  let code: number | null = null;
  let signal: string | null = null;
  const stopResize = request.onResize?.((rows, cols) => channel.setWindow(rows, cols, 0, 0));
  channel.on("exit", (exitCode: number | null, exitSignal?: string) => {
    code = exitCode ?? null;
    signal = exitSignal ?? null;
  });
  channel.on("data", (chunk: Buffer) => request.stdout.write(chunk));
  channel.stderr.on("data", (chunk: Buffer) => request.stderr.write(chunk));
  const stdin = request.stdin;
  // Not channel.end() on local EOF: with a pty the remote program reads EOF as the terminal's ^D, which the raw
  // local terminal sends as a byte anyway.
  const forward = (chunk: Buffer | string) => channel.write(chunk);
  stdin?.on("data", forward);
  channel.on("close", () => {
    stdin?.off("data", forward);
    stdin?.pause();
    stopResize?.();
    done({ code, signal });
  });
}
