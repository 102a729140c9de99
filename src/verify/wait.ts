/**
 * The one health wait: poll an HTTP probe on a host until N consecutive healthy answers, or time out. The deploy's
 * gate (src/deploy/health.ts) and the `http_wait` module both run it. Until the first healthy answer, polls come every
 * 100 ms for the first 3 s (an app that boots in under a second is seen then, not at the next 2 s tick), then back off
 * (200, 400, 800 ms ...) to the configured interval, so a slow app costs no more polls than a fixed interval would,
 * give or take a few. Each further answer of the streak comes one interval after the previous one, so N successes
 * mean the app stayed healthy for (N-1) x interval (docker HEALTHCHECK's interval, Kubernetes' successThreshold x
 * periodSeconds); an unhealthy answer ends the streak. Each request is bounded by the probe's request timeout (curl
 * --max-time) and never runs past the deadline: an endpoint that accepts the connection and never answers fails the
 * wait within `timeout_s`. An optional early stop (EarlyStop) lets the caller end the wait before the timeout when
 * the process behind the probe has failed for good (a crash loop the runtime reports): it is read only while the
 * answers are unhealthy, at most once per `everyMs`, beside the polls (never delaying one), so a healthy app costs no
 * extra command.
 */
import { pauseUnlessAborted } from "./pause.js";
import { curlArgv, type HttpProbe, healthy, parseCurl, requestSeconds } from "./probe.js";

export interface WaitOutcome {
  ok: boolean;
  attempts: number;
  /** The last answer (`HTTP 503 <body start>`) or curl's error. */
  last: string;
  /** The last HTTP status; 0 when nothing answered. */
  status: number;
  /**
   * curl's exit code of the last poll: 0 when an HTTP answer came (see `status`), else why none came (probe.ts
   * CURL_EXIT, curlFailure); null when curl was killed by a signal.
   */
  curlExit: number | null;
  /** Why the wait ended before its timeout: the early stop's reason (EarlyStop); absent otherwise. */
  stopped?: string;
}

/**
 * The caller's word that the probe can no longer pass: `check` reads it (a reason, or undefined while the process may
 * still come up; it may throw, e.g. the connection is gone, and the wait then throws that). The first check starts
 * `everyMs` after the wait began, each next one at least `everyMs` after the previous one started, and only after an
 * unhealthy answer; its reason ends the wait after the next unhealthy answer.
 */
export interface EarlyStop {
  check: () => Promise<string | undefined>;
  everyMs: number;
}

/**
 * Runs one argv on the host and returns its output and exit code (the caller picks sudo, step name and the like);
 * `code` is null when the command was killed by a signal (remote/types.ts ExecResult).
 */
export type ProbeExec = (argv: string[]) => Promise<{ stdout: string; stderr: string; code: number | null }>;

/**
 * The pause between the first polls, in ms: an app that is up is seen within 100 ms. Each poll is one command on an
 * open connection, a channel, a shell and curl on the host: ~40 ms of CPU on the sandbox's 2-core VM (process
 * accounting over deploy/systemd.test.ts: 190 polls, 8.4 s), so polls 50 ms apart took most of a core from the app
 * they waited for.
 */
export const FIRST_POLL_MS = 100;
/** How many polls come FIRST_POLL_MS apart (3 s) before the pauses double up to the interval. */
export const FAST_POLLS = 30;

/** One request's --max-time: the request timeout, cut to what is left before the deadline (at least 0.1 s). */
export function requestBudget(probe: HttpProbe, msLeft: number): number {
  return Math.max(0.1, Math.min(requestSeconds(probe), Math.floor(msLeft / 100) / 10));
}

/**
 * The pause (ms) before poll number `attempt + 1` (attempt counts from 1): 100 ms for the first FAST_POLLS polls,
 * then 200, 400, ... capped at the interval (seconds). Pure, so the schedule is unit-tested.
 */
export function pollDelayMs(attempt: number, intervalS: number, fastPolls = FAST_POLLS): number {
  const cap = intervalS * 1000;
  const doublings = Math.max(0, attempt - fastPolls);
  return Math.min(cap, FIRST_POLL_MS * 2 ** Math.min(doublings, 20));
}

/**
 * The pause (ms) after poll number `attempt` when the streak of healthy answers is `streak` long: one interval while
 * a streak is being confirmed (D51: it was 50 ms, so `consecutive_successes: 3, interval: 3s` passed within a second),
 * else pollDelayMs's schedule.
 */
export function pauseAfterMs(attempt: number, streak: number, intervalS: number): number {
  return streak > 0 ? intervalS * 1000 : pollDelayMs(attempt, intervalS);
}

/**
 * The early stop's state across one wait: called after each unhealthy answer with the time (ms), it starts a check
 * when one is due and none is in flight (not awaited: the polls go on meanwhile) and returns the reason a finished
 * check gave; it throws what a check threw.
 */
function earlyStopper(stop: EarlyStop, started: number): (now: number) => string | undefined {
  let due = started + stop.everyMs;
  let inFlight = false;
  let reason: string | undefined;
  let thrown: { error: unknown } | undefined;
  return (now) => {
    if (thrown) throw thrown.error;
    if (reason !== undefined) return reason;
    if (!inFlight && now >= due) {
      inFlight = true;
      due = now + stop.everyMs;
      stop
        .check()
        .then(
          (r) => {
            reason = r;
          },
          (error: unknown) => {
            thrown = { error };
          },
        )
        .finally(() => {
          inFlight = false;
        });
    }
    return undefined;
  };
}

/**
 * Polls until `probe.successes` healthy answers in a row ({ ok: true }) or until `probe.timeout_s` has passed
 * ({ ok: false } with the last answer or curl's error); `onPoll` hears every poll that did not end the wait. Never
 * throws for an unhealthy or silent service; an `exec` that throws (the connection is gone) is not caught. An aborted
 * `signal` (the deploy's interrupt) ends the wait between polls or during a pause: it throws the signal's reason.
 * `stop` (EarlyStop) ends it sooner with { ok: false, stopped: reason } when the process failed for good.
 */
export async function waitHealthy(
  exec: ProbeExec,
  probe: HttpProbe,
  onPoll?: (poll: { attempts: number; elapsedMs: number; last: string }) => void,
  signal?: AbortSignal,
  stop?: EarlyStop,
): Promise<WaitOutcome> {
  const started = Date.now();
  const deadline = started + probe.timeout_s * 1000;
  const stopper = stop ? earlyStopper(stop, started) : undefined;
  let streak = 0;
  let attempts = 0;
  for (;;) {
    signal?.throwIfAborted();
    attempts++;
    const result = await exec(curlArgv({ ...probe, request_timeout_s: requestBudget(probe, deadline - Date.now()) }));
    const response = parseCurl(result.stdout);
    const last = response.status
      ? `HTTP ${response.status} ${response.body.slice(0, 200).trim()}`
      : result.stderr.trim();
    const outcome = { attempts, last, status: response.status, curlExit: result.code };
    streak = healthy(probe, response) ? streak + 1 : 0;
    if (streak >= probe.successes) return { ok: true, ...outcome };
    // Only an unhealthy answer hears the runtime: a streak under way is judged by its own answers.
    const reason = streak === 0 ? stopper?.(Date.now()) : undefined;
    if (reason !== undefined) return { ok: false, ...outcome, stopped: reason };
    onPoll?.({ attempts, elapsedMs: Date.now() - started, last });
    const pause = pauseAfterMs(attempts, streak, probe.interval_s);
    if (Date.now() + pause > deadline) {
      // A streak cut short by the timeout says so: the last answer alone (healthy) would not explain the failure.
      const short = `${streak} of ${probe.successes} healthy answers in a row, ${probe.interval_s}s apart, before the timeout`;
      return { ok: false, ...outcome, ...(streak > 0 ? { last: `${last} (${short})` } : {}) };
    }
    await pauseUnlessAborted(pause, signal);
  }
}
