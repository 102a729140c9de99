/**
 * What to do after a failed health gate. One mistake gets its own hint: an app in a container that listens on
 * 127.0.0.1 (gunicorn's and many frameworks' default) is reached from inside the container only, so the published
 * port answers with a reset or a refusal while the process runs (Kamal and compose users meet it as "connection
 * reset by peer").
 */
import type { Runtime } from "../../config/index.js";
import type { ServiceLogs } from "../events.js";

const GENERIC = "fix the release and deploy again";

/** curl's errors for a port whose connection is reset or refused, or closed without an answer. */
const NO_ANSWER = /Connection reset by peer|Connection refused|Failed to connect|Empty reply from server|\(5[26]\)/;

/** A log line saying the app listens on loopback (`Listening at: http://127.0.0.1:8000`, `Uvicorn running on ...`). */
const LOOPBACK_LISTEN = /(listen|running on|bound|serving)[^\n]*\b(127\.0\.0\.1|localhost|\[::1\])(:\d+)?/i;

/**
 * The hint of a gate that failed with curl's last answer `last` for a service run by `runtime`, given the service's
 * last log lines: a container that exited (`exited` set) is named with its exit code; else the loopback hint for a
 * container runtime whose port resets or refuses (naming the log line that shows the loopback listen when there is
 * one), else the generic one. Pure.
 */
export function gateFailureHint(runtime: Runtime, last: string, logs: readonly ServiceLogs[]): string {
  // A crashed process: its own lines say why, not a listen address (D65: a crash loop got the loopback hint).
  const crashed = logs.find((l) => l.exited !== undefined);
  if (crashed)
    return `the container ${crashed.name} exited (code ${crashed.exited}): its last log lines above; ${GENERIC}`;
  if (runtime === "systemd" || !NO_ANSWER.test(last)) return GENERIC;
  const line = logs.flatMap((l) => l.lines).find((l) => LOOPBACK_LISTEN.test(l));
  const seen = line ? `its log says \`${line.trim().slice(0, 160)}\`: ` : "";
  return (
    `${seen}an app listening on 127.0.0.1 inside its container is not reachable on the container's port: bind ` +
    "0.0.0.0 (gunicorn -b 0.0.0.0:$PORT, uvicorn --host 0.0.0.0, flask run --host 0.0.0.0, node: listen(port, " +
    `"0.0.0.0")); else the app is not listening on services.*.port yet, or crashed (see the log lines above); ${GENERIC}`
  );
}
