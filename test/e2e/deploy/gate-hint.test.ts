/**
 * The gate's hint is chosen from curl's real exit code as it comes back over SSH (through the process-group wrapper),
 * not from curl's message: on t9, a port nothing listens on gives curl exit 7 (the loopback advice for a container,
 * "nothing listens" under systemd), and an HTTP answer gives exit 0 with its status (the generic hint).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthGate } from "../../../src/deploy/health.js";
import { gateFailureHint } from "../../../src/deploy/steps/gate-hint.js";
import type { RemoteHost } from "../../../src/remote/types.js";
import { connectTarget } from "../support/sandbox.js";

/** A loopback port in the range no test or color uses (the colors: 5000-19999). */
const CLOSED = 29_871;

describe("gate hint from curl's exit code on a real host (t9)", () => {
  let host: RemoteHost;
  beforeAll(async () => {
    host = await connectTarget("t9");
  });
  afterAll(async () => {
    await host?.close();
  });

  const probe = (url: string) => ({ url, status: 200, timeout_s: 0.5, interval_s: 1, successes: 1 });

  it("a refused port: curl exit 7, status 0, the hint of a container runtime and of systemd", async () => {
    const gate = await healthGate(host, probe(`http://127.0.0.1:${CLOSED}/health`));
    expect(gate).toMatchObject({ ok: false, status: 0, curlExit: 7 });
    expect(gateFailureHint("container", gate, [])).toContain("an app listening on 127.0.0.1 inside its container");
    expect(gateFailureHint("systemd", gate, [])).toMatch(/^nothing listens on the service's port/);
  });

  it("an HTTP answer that does not pass: curl exit 0 with the status, the generic hint", async () => {
    const gate = await healthGate(host, { ...probe("http://127.0.0.1:80/slipway-gate-hint-e2e"), status: 299 });
    expect(gate.ok).toBe(false);
    expect(gate.status).toBeGreaterThan(0);
    expect(gate.curlExit).toBe(0);
    expect(gateFailureHint("container", gate, [])).toBe("fix the release and deploy again");
  });
});
