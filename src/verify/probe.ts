/**
 * The one HTTP probe run ON a host (curl there, so a color's 127.0.0.1 port is reachable): its argv, its output
 * parser and the "healthy" rule. Shared by the deploy's health gate and switch check (src/deploy/health.ts, nginx.ts)
 * and the `http_wait` playbook module, which used to hold these; pure, so the argv is tested by exact value.
 */

import { curlArgv as curlRequestArgv } from "../commands/curl.js";
import { answerMismatch } from "./judge.js";

/** What one health wait asks for. Times in seconds; `successes` consecutive healthy answers end the wait. */
export interface HttpProbe {
  url: string;
  /** The one status that passes. */
  status: number;
  body_contains?: string | undefined;
  timeout_s: number;
  interval_s: number;
  successes: number;
  /** Seconds one request may take (curl --max-time); default five intervals, at least 1 s. */
  request_timeout_s?: number | undefined;
  /** Sent as `Host:` (a probe through nginx to one server name). */
  host_header?: string | undefined;
}

/** Written by curl after the body, so status and body come back in one stdout. */
const MARK = "\n__SLIPWAY_STATUS__:";

/** Seconds one request may take: `request_timeout_s`, else five intervals (at least 1 s); at most 0.1 s resolution. */
export function requestSeconds(probe: HttpProbe): number {
  if (probe.request_timeout_s !== undefined) return Math.max(0.1, Math.ceil(probe.request_timeout_s * 10) / 10);
  return Math.max(1, Math.ceil(probe.interval_s * 5));
}

/**
 * `curl` argv for one probe: silent but with errors on stderr, the body then MARK + status on stdout; each try is
 * capped at requestSeconds so a hung app cannot stall the wait past its timeout for long.
 */
export function curlArgv(probe: HttpProbe): string[] {
  return curlRequestArgv({
    url: probe.url,
    maxTimeSeconds: requestSeconds(probe),
    writeOut: `${MARK}%{http_code}`,
    hostHeader: probe.host_header,
  });
}

/** Status and body from curlArgv's stdout; status 0 when curl wrote no status (no answer). */
export function parseCurl(stdout: string): { status: number; body: string } {
  const at = stdout.lastIndexOf(MARK);
  if (at < 0) return { status: 0, body: stdout };
  return { status: Number(stdout.slice(at + MARK.length).trim()) || 0, body: stdout.slice(0, at) };
}

/** The verify action's rule (judge.ts): exactly the expected status, and the body substring when one is asked for. */
export function healthy(probe: HttpProbe, response: { status: number; body: string }): boolean {
  return (
    answerMismatch({ status: probe.status, bodyContains: probe.body_contains }, response.status, response.body) === null
  );
}
