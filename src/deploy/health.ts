/** The health gate: poll a color's own port from the host until N consecutive healthy answers, or time out. */
import type { ServiceConfig } from "../config/index.js";
import type { RemoteHost } from "../remote/types.js";
import { durationSeconds } from "../render/from-config/common.js";
import { curlArgv, type HttpProbe as HttpWaitArgs, healthy, parseCurl } from "../verify/probe.js";

export interface GateOutcome {
  ok: boolean;
  attempts: number;
  last: string;
}

/** http_wait's arguments for one service's health block on a port of the host's loopback. */
export function gateArgs(name: string, service: ServiceConfig, port: number): HttpWaitArgs {
  const h = service.health;
  const field = `services.${name}.health`;
  return {
    url: `http://127.0.0.1:${port}${h?.path ?? "/"}`,
    status: h?.expected_status ?? 200,
    body_contains: h?.expected_body,
    timeout_s: h ? durationSeconds(h.timeout, `${field}.timeout`) : 60,
    interval_s: h ? durationSeconds(h.interval, `${field}.interval`) : 2,
    successes: h?.consecutive_successes ?? 2,
  };
}

export async function healthGate(host: RemoteHost, args: HttpWaitArgs): Promise<GateOutcome> {
  const deadline = Date.now() + args.timeout_s * 1000;
  let streak = 0;
  let attempts = 0;
  let last = "";
  for (;;) {
    attempts++;
    const result = await host.exec(curlArgv(args), { check: false, step: "health gate" });
    const response = parseCurl(result.stdout);
    last = response.status ? `HTTP ${response.status} ${response.body.slice(0, 200).trim()}` : result.stderr.trim();
    streak = healthy(args, response) ? streak + 1 : 0;
    if (streak >= args.successes) return { ok: true, attempts, last };
    if (Date.now() + args.interval_s * 1000 > deadline) return { ok: false, attempts, last };
    await new Promise((r) => setTimeout(r, args.interval_s * 1000));
  }
}
