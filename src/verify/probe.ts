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

/**
 * curl's exit codes a probe meets (libcurl's CURLE_* numbers, `man curl` EXIT CODES): what went wrong when no HTTP
 * answer came. 0 is an answer (whatever its status).
 */
export const CURL_EXIT = {
  /** CURLE_COULDNT_RESOLVE_HOST: the URL's host name does not resolve. */
  couldntResolveHost: 6,
  /** CURLE_COULDNT_CONNECT: nothing accepts connections on the port (refused), or the address is unreachable. */
  couldntConnect: 7,
  /** CURLE_OPERATION_TIMEDOUT: --max-time passed before the answer was complete. */
  operationTimedout: 28,
  /** CURLE_SSL_CONNECT_ERROR: the TLS handshake failed (an http port spoken to with https, a protocol mismatch). */
  sslConnectError: 35,
  /** CURLE_GOT_NOTHING: the connection was closed without a byte of answer ("Empty reply from server"). */
  gotNothing: 52,
  /** CURLE_RECV_ERROR: the connection broke while reading, typically "Connection reset by peer". */
  recvError: 56,
  /** CURLE_PEER_FAILED_VERIFICATION: the server's certificate or name did not verify. */
  peerFailedVerification: 60,
} as const;

/** Why a probe got no HTTP answer, from curl's exit code; undefined for an answer (0), a kill, or another code. */
export type CurlFailure = "resolve" | "refused" | "timeout" | "tls" | "empty reply" | "reset";

/** The CurlFailure of curl's exit code `exit` (null: killed by a signal). Pure. */
export function curlFailure(exit: number | null): CurlFailure | undefined {
  switch (exit) {
    case CURL_EXIT.couldntResolveHost:
      return "resolve";
    case CURL_EXIT.couldntConnect:
      return "refused";
    case CURL_EXIT.operationTimedout:
      return "timeout";
    case CURL_EXIT.sslConnectError:
    case CURL_EXIT.peerFailedVerification:
      return "tls";
    case CURL_EXIT.gotNothing:
      return "empty reply";
    case CURL_EXIT.recvError:
      return "reset";
    default:
      return undefined;
  }
}

/** The verify action's rule (judge.ts): exactly the expected status, and the body substring when one is asked for. */
export function healthy(probe: HttpProbe, response: { status: number; body: string }): boolean {
  return (
    answerMismatch({ status: probe.status, bodyContains: probe.body_contains }, response.status, response.body) === null
  );
}
