/**
 * An in-memory stand-in for node-ssh's connection (an ssh2 Client), enough for SshRemoteHost: it records every exec
 * request (the exact command string and the stdin bytes) and answers from a responder. Lets unit tests count round
 * trips and inspect what would have been sent, without a network.
 */
import { EventEmitter } from "node:events";
import type { NodeSSH } from "node-ssh";
import { PGID_MARKER } from "../../../src/remote/command.js";

export interface SentCommand {
  command: string;
  stdin: Buffer;
}

export interface FakeReply {
  stdout?: string;
  stderr?: string;
  /** null: the channel closes without an exit status (as when the connection drops). Default 0. */
  code?: number | null;
}

/** How the next exec request fails: the channel cannot open (nothing sent), or the connection drops after sending. */
export type FakeFailure = "channel-open" | "lost-after-send";

class FakeChannel extends EventEmitter {
  readonly stderr = new EventEmitter();
  readonly #stdin: Buffer[] = [];

  constructor(private readonly onInput: (stdin: Buffer) => FakeReply) {
    super();
  }

  write(chunk: Buffer | string): boolean {
    this.#stdin.push(Buffer.from(chunk));
    return true;
  }

  end(chunk?: Buffer | string): void {
    if (chunk !== undefined) this.write(chunk);
    const reply = this.onInput(Buffer.concat(this.#stdin));
    setImmediate(() => {
      this.stderr.emit("data", Buffer.from(`${PGID_MARKER} 4242\n${reply.stderr ?? ""}`));
      if (reply.stdout) this.emit("data", Buffer.from(reply.stdout));
      if (reply.code !== null) this.emit("exit", reply.code ?? 0);
      this.emit("close");
    });
  }

  signal(): void {}
  close(): void {}
}

export class FakeClient extends EventEmitter {
  /** Every exec request that reached the host (a channel-open failure sends nothing). */
  readonly sent: SentCommand[] = [];
  /** Every exec call, failed ones included. */
  execCalls = 0;
  connected = true;

  constructor(
    private readonly respond: (command: string) => FakeReply,
    private readonly failures: FakeFailure[] = [],
  ) {
    super();
  }

  exec(command: string, callback: (error: Error | undefined, channel?: FakeChannel) => void): this {
    this.execCalls++;
    const failure = this.failures.shift();
    if (failure === "channel-open") {
      setImmediate(() => callback(new Error("(SSH) Channel open failure: open failed")));
      return this;
    }
    const entry: SentCommand = { command, stdin: Buffer.alloc(0) };
    this.sent.push(entry);
    if (failure === "lost-after-send") {
      // As ssh2 does: the client reports the drop first, then fails the pending request.
      setImmediate(() => {
        this.connected = false;
        this.emit("end");
        this.emit("close");
        callback(new Error("Unable to exec"));
      });
      return this;
    }
    const channel = new FakeChannel((stdin) => {
      entry.stdin = stdin;
      return this.respond(command);
    });
    setImmediate(() => callback(undefined, channel));
    return this;
  }
}

/** A NodeSSH-shaped object around a FakeClient. */
export function fakeNodeSsh(client: FakeClient): NodeSSH {
  return {
    connection: client,
    isConnected: () => client.connected,
    dispose: () => {
      client.connected = false;
    },
  } as unknown as NodeSSH;
}
