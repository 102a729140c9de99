/**
 * The idle color's host ports must be free before it starts: a process already listening there would answer the gate
 * in place of the new release (systemd), or make `docker run`/`compose up` fail with docker's "exit code 125". One
 * `ss -Hltnp` read on the host before the start says which port, which process and which service key, every runtime.
 */
import type { PublishedPort } from "../commands/docker.js";
import { listenersArgv, parseListeners } from "../commands/sockets.js";
import type { Color, SlipwayConfig } from "../config/index.js";
import { helperMode } from "../config/inventory.js";
import { SlipwayError } from "../errors.js";
import type { ExecResult, RemoteHost } from "../remote/types.js";
import { colorPortsOf } from "./drain.js";

/** A port of the color is held by another process: refused before anything of the new color started. */
export class PortTakenError extends SlipwayError {}

export interface SquatterCheck {
  /** What should listen on a service's port: `shop-api@green` (a unit), `shop-api-green` (a container). */
  owner(service: string, instance: number): string;
  /**
   * Reads the host ports the app's running containers publish (docker-proxy listens there for them), called only
   * when a port is taken: a port held by a container of this color (a running one, or a killed run's leftover) is
   * the color's own, replaced by its start (D77); one of the other color is refused naming that container.
   */
  published?: () => Promise<readonly PublishedPort[]>;
  /** The listeners as readListeners read them earlier (in the stage's round trip); read now when absent. */
  listeners?: Promise<ExecResult>;
}

/** The color's ports, each with its service and instance. */
function portsOf(config: SlipwayConfig, color: Color) {
  return colorPortsOf(config, color).map((p, i, all) => ({
    ...p,
    instance: all.slice(0, i).filter((q) => q.name === p.name).length,
  }));
}

/**
 * Starts the `ss` read of the color's listeners (as root where sudo may run it), for refusePortSquatters to judge
 * later: a runtime starts it with its stage's other commands, so the check costs no round trip of its own before the
 * start. Never rejects (a failed read refuses nothing, as a missing `ss` does).
 */
export function readListeners(host: RemoteHost, config: SlipwayConfig, color: Color): Promise<ExecResult> {
  const argv = listenersArgv(portsOf(config, color).map((p) => p.port));
  const asRoot = !helperMode(config, host.name);
  const failed: ExecResult = { code: 1, signal: null, stdout: "", stderr: "", durationMs: 0 };
  return host.exec(argv, { check: false, step: "start", become: asRoot }).catch(() => failed);
}

/**
 * Throws (step "start") when a process other than the color's own listens on one of its ports, naming the port, the
 * service key, the address and the process: `ss -p` runs as root where sudo may run it (root mode), so it names
 * another user's process too; in helper mode (no verb for `ss`) it runs as the deploy user and names only that user's
 * processes ("another user's process" otherwise). Without `ss` on the host (exit 127) nothing is refused. Returns the
 * names of the color's own containers (check.published) that hold its ports: the start replaces or removes them.
 */
export async function refusePortSquatters(
  host: RemoteHost,
  config: SlipwayConfig,
  color: Color,
  check: SquatterCheck,
): Promise<string[]> {
  const ports = portsOf(config, color);
  if (ports.length === 0) return [];
  const argv = listenersArgv(ports.map((p) => p.port));
  const asRoot = !helperMode(config, host.name);
  const r = await (check.listeners ?? host.exec(argv, { check: false, step: "start", become: asRoot }));
  if (r.code !== 0) return [];
  const taken = parseListeners(r.stdout);
  const published = taken.length > 0 && check.published ? await check.published() : [];
  const own: string[] = [];
  for (const { name, port, instance } of ports) {
    const squatter = taken.find((l) => l.port === port);
    if (!squatter) continue;
    const holder = published.find((p) => p.port === port);
    if (holder?.color === color) {
      if (!own.includes(holder.name)) own.push(holder.name);
      continue;
    }
    const who = squatter.process ?? (asRoot ? "a process" : "another user's process");
    const of = holder ? ` for the container ${holder.name} (${holder.color || "no color"})` : "";
    throw new PortTakenError(
      `port ${port} of services.${name} (${color}) is already in use: ${who} listens on ${squatter.address}:${port}${of}, not ${check.owner(name, instance)}`,
      {
        host: host.name,
        step: "start",
        command: `${asRoot ? "sudo " : ""}${argv.join(" ")}`,
        hint: holder
          ? `the ${holder.color} color of this app publishes that port: change services.${name}.port (each color's port is derived from it)`
          : `stop that process, or change services.${name}.port (the ${color} color's port is derived from it)`,
      },
    );
  }
  return own;
}
