/**
 * The health gate: poll a color's own port from the host until N consecutive healthy answers, or time out. Polls come
 * every 100 ms for the first 3 s (an app that boots in under a second is seen then, not at the next 2 s tick), then
 * back off to the configured interval, so a slow app costs no more polls than a fixed interval would, give or take a
 * few. The answers after a healthy one come at 100 ms again: the streak is confirmed, not waited for.
 * Each request is bounded by `health.request_timeout` (curl --max-time) and never runs past the gate's deadline: a
 * health endpoint that accepts the connection and never answers fails the gate within `health.timeout`.
 */
import type { ServiceConfig } from "../config/index.js";
import type { RemoteHost } from "../remote/types.js";
import { durationSeconds } from "../render/from-config/common.js";
import { curlArgv, type HttpProbe as HttpWaitArgs, healthy, parseCurl, requestSeconds } from "../verify/probe.js";

export interface GateOutcome {
  ok: boolean;
  attempts: number;
  last: string;
}

/** The pause between the first polls, in ms. */
export const FIRST_POLL_MS = 100;
/** How many polls come FIRST_POLL_MS apart before the pauses double up to the interval. */
export const FAST_POLLS = 30;

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
    successes: h?.consecutive_successes ?? 2,
    request_timeout_s: h ? durationSeconds(h.request_timeout, `${field}.request_timeout`) : 5,
  };
}

/** One request's --max-time: the request timeout, cut to what is left before the deadline (at least 0.1 s). */
export function requestBudget(args: HttpWaitArgs, msLeft: number): number {
  return Math.max(0.1, Math.min(requestSeconds(args), Math.floor(msLeft / 100) / 10));
}

/**
 * The pause (ms) before poll number `attempt + 1` (attempt counts from 1): 100 ms for the first FAST_POLLS polls, then
 * 200, 400, ... capped at the interval (seconds). Pure, so the schedule is unit-tested.
 */
export function pollDelayMs(attempt: number, intervalS: number, fastPolls = FAST_POLLS): number {
  const cap = intervalS * 1000;
  const doublings = Math.max(0, attempt - fastPolls);
  return Math.min(cap, FIRST_POLL_MS * 2 ** Math.min(doublings, 20));
}

/**
 * Polls until `args.successes` healthy answers in a row ({ ok: true }) or until `args.timeout_s` has passed
 * ({ ok: false } with the last answer or curl's error). Never throws for an unhealthy or silent service.
 */
export async function healthGate(host: RemoteHost, args: HttpWaitArgs): Promise<GateOutcome> {
  const deadline = Date.now() + args.timeout_s * 1000;
  let streak = 0;
  let attempts = 0;
  let last = "";
  for (;;) {
    attempts++;
    const request = { ...args, request_timeout_s: requestBudget(args, deadline - Date.now()) };
    const result = await host.exec(curlArgv(request), { check: false, step: "health gate" });
    const response = parseCurl(result.stdout);
    last = response.status ? `HTTP ${response.status} ${response.body.slice(0, 200).trim()}` : result.stderr.trim();
    streak = healthy(args, response) ? streak + 1 : 0;
    if (streak >= args.successes) return { ok: true, attempts, last };
    const pause = streak > 0 ? Math.min(FIRST_POLL_MS, args.interval_s * 1000) : pollDelayMs(attempts, args.interval_s);
    if (Date.now() + pause > deadline) return { ok: false, attempts, last };
    await new Promise((r) => setTimeout(r, pause));
  }
}
