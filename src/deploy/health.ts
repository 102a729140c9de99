/**
 * The health gate: the deploy's use of the one health wait (src/verify/wait.ts, also behind the `http_wait` module)
 * on a color's own port, with the service's `health` settings.
 */
import type { ServiceConfig } from "../config/index.js";
import type { RemoteHost } from "../remote/types.js";
import { durationSeconds } from "../render/from-config/common.js";
import type { HttpProbe as HttpWaitArgs } from "../verify/probe.js";
import { type EarlyStop, type WaitOutcome, waitHealthy } from "../verify/wait.js";

export type GateOutcome = WaitOutcome;

/**
 * http_wait's arguments for one service's health block on a port of the host: on loopback, or on the address the
 * service listens on when nginx runs on another host (config/layout.ts probeAddress).
 */
export function gateArgs(name: string, service: ServiceConfig, port: number, address = "127.0.0.1"): HttpWaitArgs {
  const h = service.health;
  const field = `services.${name}.health`;
  return {
    url: `http://${address}:${port}${h?.path ?? "/"}`,
    status: h?.expected_status ?? 200,
    body_contains: h?.expected_body,
    timeout_s: h ? durationSeconds(h.timeout, `${field}.timeout`) : 60,
    interval_s: h ? durationSeconds(h.interval, `${field}.interval`) : 2,
    successes: h?.consecutive_successes ?? 1,
    request_timeout_s: h ? durationSeconds(h.request_timeout, `${field}.request_timeout`) : 5,
  };
}

/** The gate's optional parts: the live line's poll callback, the run's interrupt, the runtime's early stop. */
export interface HealthGateOptions {
  onPoll?: Parameters<typeof waitHealthy>[2];
  signal?: AbortSignal;
  /** Ends the gate before its timeout when the runtime says the process failed for good (outcome `stopped`). */
  stop?: EarlyStop;
}

/**
 * Waits for `args` on `host` (step "health gate"); never throws for an unhealthy or silent service. An aborted
 * `signal` (the run's interrupt) ends the wait within a poll by throwing its reason; `stop` ends it with
 * { ok: false, stopped } once the runtime reports a crash loop.
 */
export function healthGate(
  host: RemoteHost,
  args: HttpWaitArgs,
  { onPoll, signal, stop }: HealthGateOptions = {},
): Promise<GateOutcome> {
  return waitHealthy((argv) => host.exec(argv, { check: false, step: "health gate" }), args, onPoll, signal, stop);
}
