/**
 * What to do after a failed health gate, chosen from the wait's typed outcome (curl's exit code and the HTTP status),
 * not from curl's message text. One mistake gets its own hint: an app in a container that listens on 127.0.0.1
 * (gunicorn's and many frameworks' default) is reached from inside the container only, so the published port answers
 * with a reset, a refusal or an empty reply while the process runs (Kamal and compose users meet it as "connection
 * reset by peer"). The other ways of getting no answer each say what they mean.
 */
import type { Runtime } from "../../config/index.js";
import { curlFailure } from "../../verify/probe.js";
import type { WaitOutcome } from "../../verify/wait.js";
import type { ServiceLogs } from "../events.js";

const GENERIC = "fix the release and deploy again";

/** A log line saying the app listens on loopback (`Listening at: http://127.0.0.1:8000`, `Uvicorn running on ...`). */
const LOOPBACK_LISTEN = /(listen|running on|bound|serving)[^\n]*\b(127\.0\.0\.1|localhost|\[::1\])(:\d+)?/i;

/** The container runtime's hint for a port that resets, refuses or closes: the loopback line of the logs if any. */
function loopbackHint(logs: readonly ServiceLogs[]): string {
  const line = logs.flatMap((l) => l.lines).find((l) => LOOPBACK_LISTEN.test(l));
  const seen = line ? `its log says \`${line.trim().slice(0, 160)}\`: ` : "";
  return (
    `${seen}an app listening on 127.0.0.1 inside its container is not reachable on the container's port: bind ` +
    "0.0.0.0 (gunicorn -b 0.0.0.0:$PORT, uvicorn --host 0.0.0.0, flask run --host 0.0.0.0, node: listen(port, " +
    `"0.0.0.0")); else the app is not listening on services.*.port yet, or crashed (see the log lines above); ${GENERIC}`
  );
}

/**
 * How a process that exited reads in a gate's failure: the runtime's words (a systemd unit: `shop-web@green.service
 * exited (code 1, restarted 1 time; now activating (auto-restart))`), else the container and its code.
 */
export function exitText(logs: ServiceLogs): string {
  return logs.exit ? `the unit ${logs.exit}` : `the container ${logs.name} exited (code ${logs.exited})`;
}

/** The first of a service's processes that exited at boot (gatePort then says so first), if any. */
export function exitedProcess(logs: readonly ServiceLogs[]): ServiceLogs | undefined {
  return logs.find((l) => l.exited !== undefined);
}

/**
 * The hint of a gate that failed with `last` (its last HTTP status, 0 for none, and curl's exit code) for a service
 * run by `runtime`, given the service's last log lines: for a container runtime whose port refuses, resets or closes
 * (curl 7, 56, 52) the loopback hint (naming the log line that shows the loopback listen when there is one); for a
 * refused port under systemd, that nothing listens; for a request timeout (curl 28), the request_timeout; else the
 * generic one (an HTTP answer that did not pass, a kill, another curl error). Pure.
 */
export function gateFailureHint(
  runtime: Runtime,
  last: Pick<WaitOutcome, "status" | "curlExit">,
  logs: readonly ServiceLogs[],
): string {
  // A crashed process: its own lines say why, not a listen address (D65: a crash loop got the loopback hint).
  const crashed = exitedProcess(logs);
  if (crashed) return `${exitText(crashed)}: its last log lines above; ${GENERIC}`;
  if (last.status > 0) return GENERIC;
  const failure = curlFailure(last.curlExit);
  if (failure === "refused" || failure === "reset" || failure === "empty reply") {
    if (runtime !== "systemd") return loopbackHint(logs);
    if (failure === "refused") {
      return `nothing listens on the service's port: the app is not listening on services.*.port yet, or crashed (see the log lines above); ${GENERIC}`;
    }
  }
  if (failure === "timeout") {
    return (
      "the app took the connection but did not answer within services.*.health.request_timeout: a health path that " +
      `does slow work (a database call) or workers still busy at boot; make the path cheap or raise the timeout; ${GENERIC}`
    );
  }
  return GENERIC;
}
