/**
 * The hint of a failed gate, chosen from curl's exit code and the HTTP status (not curl's message): the
 * loopback-inside-the-container mistake named, a refused port under systemd and a request timeout each their own,
 * every other failure generic.
 */
import { describe, expect, it } from "vitest";
import { gateFailureHint } from "../../../../src/deploy/steps/gate-hint.js";

const logs = [
  {
    service: "backend",
    name: "shop-backend-green",
    lines: [
      "[INFO] Starting gunicorn 22.0.0",
      "[INFO] Listening at: http://127.0.0.1:9887 (1)",
      "[INFO] Booting worker",
    ],
  },
];
const generic = "fix the release and deploy again";
const advice =
  "an app listening on 127.0.0.1 inside its container is not reachable on the container's port: bind 0.0.0.0 " +
  '(gunicorn -b 0.0.0.0:$PORT, uvicorn --host 0.0.0.0, flask run --host 0.0.0.0, node: listen(port, "0.0.0.0")); ' +
  `else the app is not listening on services.*.port yet, or crashed (see the log lines above); ${generic}`;
/** No HTTP answer, curl exited with `curlExit`. */
const curl = (curlExit: number | null) => ({ status: 0, curlExit });

describe("gateFailureHint", () => {
  it("names the loopback listen line of the logs when the container's port resets (curl 56)", () => {
    expect(gateFailureHint("container", curl(56), logs)).toBe(
      `its log says \`[INFO] Listening at: http://127.0.0.1:9887 (1)\`: ${advice}`,
    );
  });

  it("gives the advice without a log line for a refused (7) or empty (52) answer under compose and swarm", () => {
    expect(gateFailureHint("compose", curl(7), [])).toBe(advice);
    expect(gateFailureHint("swarm", curl(52), [])).toBe(advice);
  });

  it("under systemd (the app runs on the host's loopback) a refused port says nothing listens; a reset is generic", () => {
    expect(gateFailureHint("systemd", curl(7), logs)).toBe(
      `nothing listens on the service's port: the app is not listening on services.*.port yet, or crashed (see the log lines above); ${generic}`,
    );
    expect(gateFailureHint("systemd", curl(56), logs)).toBe(generic);
  });

  it("a request timeout (curl 28) names the request_timeout, whatever the runtime", () => {
    const timeout =
      "the app took the connection but did not answer within services.*.health.request_timeout: a health path that " +
      `does slow work (a database call) or workers still busy at boot; make the path cheap or raise the timeout; ${generic}`;
    expect(gateFailureHint("container", curl(28), logs)).toBe(timeout);
    expect(gateFailureHint("systemd", curl(28), [])).toBe(timeout);
  });

  it("stays generic for an HTTP answer, a resolve or TLS error, another exit code, and a killed curl", () => {
    expect(gateFailureHint("container", { status: 500, curlExit: 0 }, logs)).toBe(generic);
    for (const code of [6, 35, 60, 22, null]) expect(gateFailureHint("container", curl(code), logs)).toBe(generic);
  });

  it("reads the exit code, not curl's message: a reset with no message still gets the loopback advice", () => {
    expect(gateFailureHint("container", { status: 0, curlExit: 56 }, [])).toBe(advice);
  });

  it("names an exited container and its code instead of the loopback advice (D65: a crash loop)", () => {
    const crashed = [{ ...logs[0], name: "shop-backend-green", lines: ["PermissionError: [Errno 13]"], exited: 1 }];
    expect(gateFailureHint("container", curl(56), crashed as never)).toBe(
      "the container shop-backend-green exited (code 1): its last log lines above; fix the release and deploy again",
    );
    expect(gateFailureHint("compose", { status: 502, curlExit: 0 }, crashed as never)).toBe(
      "the container shop-backend-green exited (code 1): its last log lines above; fix the release and deploy again",
    );
  });

  it("names a systemd unit that exited at boot in its own words, not a slow or empty port", () => {
    const exit = "shop-backend@green.service exited (code 1, restarted 1 time; now activating (auto-restart))";
    const unit = [{ service: "backend", name: "shop-backend@green.service", lines: ["ImportError"], exited: 1, exit }];
    for (const last of [curl(7), curl(28)]) {
      expect(gateFailureHint("systemd", last, unit)).toBe(
        `the unit ${exit}: its last log lines above; fix the release and deploy again`,
      );
    }
  });
});
