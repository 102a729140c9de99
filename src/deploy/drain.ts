/**
 * The drain after a switch: the old color keeps running until it holds no established TCP connection on its ports
 * (requests nginx sent it before the switch, read from `ss` on the host), or until the drain limit passes. Without
 * `ss` on the host the whole limit is waited, as a fixed drain would.
 */
import { type Color, colorPort, type ServiceConfig, type SlipwayConfig } from "../config/index.js";
import type { RemoteHost } from "../remote/types.js";
import { durationSeconds, instancesOf } from "../render/from-config/common.js";
import { pauseUnlessAborted } from "../verify/pause.js";
import { pollDelayMs } from "../verify/wait.js";

/**
 * The warning for a drain of 0 s (`drain: 0s`, `--drain 0`) under blue-green, else null: the old color then stops
 * right after the switch is recorded, and the requests nginx sent it before the switch that are still running are cut
 * (502s and connection errors under load). A legitimate choice for speed, so a warning (validate, the plan), never a
 * refusal. `old` names the color being left when the plan knows it. No port: nothing is in flight to cut.
 */
export function noDrainWarning(
  config: Pick<SlipwayConfig, "strategy" | "drain" | "services" | "proxy">,
  seconds = durationSeconds(config.drain, "drain", 0),
  old?: Color,
): string | null {
  if (seconds > 0 || config.strategy !== "blue-green") return null;
  if (Object.values(config.services).every((s) => s.accessory || s.port === undefined)) return null;
  const color = old ? `the old color (${old})` : "the old color";
  return `drain is 0s: ${color} stops right after the switch, cutting the requests still in flight to it (502s and connection errors under load); a drain of a few seconds lets them finish (it ends as soon as no connection is left; default 5s)`;
}

/**
 * Every port a color's services listen on, by service: each instance of a load-balanced service has its own (every
 * runtime); accessories are not in the colors, workers (no port) listen nowhere.
 */
export function colorPortsOf(
  config: SlipwayConfig,
  color: Color,
): Array<{ name: string; service: ServiceConfig; port: number }> {
  return Object.entries(config.services).flatMap(([name, service]) =>
    service.accessory || service.port === undefined
      ? []
      : Array.from({ length: instancesOf(config, name) }, (_, i) => ({
          name,
          service,
          port: colorPort(service, color, i),
        })),
  );
}

/** The ports alone (what the drain watches). */
export function colorPorts(config: SlipwayConfig, color: Color): number[] {
  return colorPortsOf(config, color).map((p) => p.port);
}

/**
 * `ss` listing the established TCP connections with either end on one of `ports`: the app's accepted sockets (or
 * docker-proxy's) by source port, nginx's connections to it by destination port. One line per connection (-H).
 */
export function establishedArgv(ports: readonly number[]): string[] {
  const terms = ports.flatMap((p, i) => [...(i > 0 ? ["or"] : []), "sport", "=", `:${p}`, "or", "dport", "=", `:${p}`]);
  return ["ss", "-Htn", "state", "established", "(", ...terms, ")"];
}

export interface DrainOutcome {
  /** How long the drain took, in ms. */
  ms: number;
  /** Connections still open when it ended (0: drained; more: the limit passed); null when `ss` could not tell. */
  open: number | null;
}

/**
 * Waits until no connection is left on `ports` or `limitS` seconds have passed; never throws for the host's answers.
 * Rejects with `signal.reason` when `signal` aborts during a pause (an interrupt, or a drain no longer wanted, ends
 * the wait within a poll).
 */
export async function drainConnections(
  host: RemoteHost,
  ports: readonly number[],
  limitS: number,
  signal?: AbortSignal,
): Promise<DrainOutcome> {
  const started = Date.now();
  const deadline = started + limitS * 1000;
  let open: number | null = null;
  for (let attempt = 1; ; attempt++) {
    const r = ports.length > 0 ? await host.exec(establishedArgv(ports), { check: false, step: "drain" }) : null;
    open = r && r.code === 0 ? r.stdout.split("\n").filter((l) => l.trim() !== "").length : null;
    if (open === 0) break;
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    // No `ss`: the limit is all there is to go by.
    const pause = open === null ? remaining : Math.min(remaining, pollDelayMs(attempt, 0.5, 1));
    await pauseUnlessAborted(pause, signal);
  }
  return { ms: Date.now() - started, open };
}
