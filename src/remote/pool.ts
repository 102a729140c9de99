/**
 * One SSH connection per host per run. ConnectionPool hands every step of a run the same RemoteHost for a target
 * (and shares jump hosts); connect() opens a standalone one that closes its own jump host.
 */
import { openSsh } from "./ssh-connect.js";
import { SshRemoteHost } from "./ssh-host.js";
import { type ConnectOptions, DEFAULTS, type TargetSpec, targetKey } from "./target.js";

async function openHost(target: TargetSpec, options: ConnectOptions, jump?: SshRemoteHost): Promise<SshRemoteHost> {
  const port = target.port ?? DEFAULTS.port;
  const via = jump ? { name: jump.name, open: () => jump.forwardOut(target.host, port) } : undefined;
  const open = () => openSsh(target, options, via);
  return new SshRemoteHost(target, await open(), options, open);
}

/** A standalone connection (closing it closes its jump host too). Prefer ConnectionPool inside a run. */
export async function connect(target: TargetSpec, options: ConnectOptions = {}): Promise<SshRemoteHost> {
  const jump = target.jump ? await connect(target.jump, options) : undefined;
  try {
    const host = await openHost(target, options, jump);
    if (jump) host.onClose(() => jump.close());
    return host;
  } catch (error) {
    await jump?.close();
    throw error;
  }
}

export class ConnectionPool {
  readonly #hosts = new Map<string, Promise<SshRemoteHost>>();

  constructor(private readonly options: ConnectOptions = {}) {}

  /** The run's connection to this target, opened on first use; concurrent callers share one connection attempt. */
  get(target: TargetSpec): Promise<SshRemoteHost> {
    const key = targetKey(target);
    let host = this.#hosts.get(key);
    if (!host) {
      host = this.#open(target);
      this.#hosts.set(key, host);
      const forget = () => {
        if (this.#hosts.get(key) === host) this.#hosts.delete(key);
      };
      // A failed or closed connection is forgotten so a later get() opens a new one.
      host.then((opened) => opened.onClose(async () => forget())).catch(forget);
    }
    return host;
  }

  /** Number of connections opened (or being opened), jump hosts included. */
  get size(): number {
    return this.#hosts.size;
  }

  async #open(target: TargetSpec): Promise<SshRemoteHost> {
    const jump = target.jump ? await this.get(target.jump) : undefined;
    return openHost(target, this.options, jump);
  }

  /** Close every connection: those reached through a jump host first, then the jump hosts. */
  async closeAll(): Promise<void> {
    const entries = [...this.#hosts.entries()].sort(([a], [b]) => depth(b) - depth(a));
    this.#hosts.clear();
    for (const [, pending] of entries) {
      const host = await pending.catch(() => undefined);
      await host?.close();
    }
  }
}

function depth(key: string): number {
  return key.split(" via ").length;
}
