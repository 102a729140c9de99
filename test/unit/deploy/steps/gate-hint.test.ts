/** The hint of a failed gate: the loopback-inside-the-container mistake named, every other failure generic. */
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
const reset = "curl: (56) Recv failure: Connection reset by peer";
const advice =
  "an app listening on 127.0.0.1 inside its container is not reachable on the container's port: bind 0.0.0.0 " +
  '(gunicorn -b 0.0.0.0:$PORT, uvicorn --host 0.0.0.0, flask run --host 0.0.0.0, node: listen(port, "0.0.0.0")); ' +
  "else the app is not listening on services.*.port yet, or crashed (see the log lines above); fix the release and deploy again";

describe("gateFailureHint", () => {
  it("names the loopback listen line of the logs when the container's port resets", () => {
    expect(gateFailureHint("container", reset, logs)).toBe(
      `its log says \`[INFO] Listening at: http://127.0.0.1:9887 (1)\`: ${advice}`,
    );
  });

  it("gives the advice without a log line for a refused or empty answer under compose and swarm", () => {
    expect(
      gateFailureHint("compose", "curl: (7) Failed to connect to 127.0.0.1 port 5001: Connection refused", []),
    ).toBe(advice);
    expect(gateFailureHint("swarm", "curl: (52) Empty reply from server", [])).toBe(advice);
  });

  it("stays generic for an HTTP answer, a timeout, and runtime systemd (the app runs on the host's loopback)", () => {
    const generic = "fix the release and deploy again";
    expect(gateFailureHint("container", "HTTP 500 oops", logs)).toBe(generic);
    expect(gateFailureHint("container", "curl: (28) Operation timed out after 5000 milliseconds", logs)).toBe(generic);
    expect(gateFailureHint("systemd", reset, logs)).toBe(generic);
  });

  it("names an exited container and its code instead of the loopback advice (D65: a crash loop)", () => {
    const crashed = [{ ...logs[0], name: "shop-backend-green", lines: ["PermissionError: [Errno 13]"], exited: 1 }];
    expect(gateFailureHint("container", reset, crashed as never)).toBe(
      "the container shop-backend-green exited (code 1): its last log lines above; fix the release and deploy again",
    );
    expect(gateFailureHint("compose", "HTTP 502", crashed as never)).toBe(
      "the container shop-backend-green exited (code 1): its last log lines above; fix the release and deploy again",
    );
  });
});
