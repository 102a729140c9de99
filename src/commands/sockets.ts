/**
 * `ss` on the host: which process listens on a TCP port. Pure argv builder and parser (the caller runs it).
 */

/**
 * `ss` listing the listening TCP sockets on any of `ports`, one per line without a header (-H), numeric (-n), with
 * the owning process (-p: shown only for the caller's own processes unless run as root; the socket shows either way).
 */
export function listenersArgv(ports: readonly number[]): string[] {
  const terms = ports.flatMap((p, i) => [...(i > 0 ? ["or"] : []), "sport", "=", `:${p}`]);
  return ["ss", "-Hltnp", ...(terms.length > 0 ? ["(", ...terms, ")"] : [])];
}

/** One listening socket: its port, local address and, when `ss` could tell, the process holding it. */
export interface Listener {
  port: number;
  address: string;
  /** `python3 (pid 1234)`, or null when ss showed no process (another user's, or another network namespace). */
  process: string | null;
}

/**
 * Parses `ss -Hltnp` lines such as
 * `LISTEN 0 5 127.0.0.1:18070 0.0.0.0:* users:(("python3",pid=1234,fd=3))`; lines that are not LISTEN are skipped.
 */
export function parseListeners(stdout: string): Listener[] {
  const listeners: Listener[] = [];
  for (const line of stdout.split("\n")) {
    const cols = line.trim().split(/\s+/);
    const local = cols[3];
    if (cols[0] !== "LISTEN" || !local) continue;
    const colon = local.lastIndexOf(":");
    const port = Number(local.slice(colon + 1));
    if (colon < 0 || !Number.isInteger(port)) continue;
    const owner = /users:\(\("([^"]+)",pid=(\d+)/.exec(line);
    listeners.push({
      port,
      address: local.slice(0, colon),
      process: owner ? `${owner[1]} (pid ${owner[2]})` : null,
    });
  }
  return listeners;
}
