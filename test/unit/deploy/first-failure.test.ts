/**
 * The gate's rule across services (src/deploy/first-failure.ts): the first service to fail ends the gate, the others'
 * waits are aborted; a service whose own short `health.timeout` passed no longer waits for the longest one's.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.js";
import type { DeployEvent } from "../../../src/deploy/events.js";
import { allOrFirstFailure, ENDED_BY_ANOTHER } from "../../../src/deploy/first-failure.js";
import { runHost } from "../../../src/deploy/host-flow.js";
import { configText, failure, hostRun, hostWithLiveGreen, logLines, stepTrail } from "./flow-support.js";

/** A task that never settles by itself: it rejects with its signal's reason once aborted, noting the reason. */
function waitsForAbort(seen: unknown[]) {
  return (signal: AbortSignal) =>
    new Promise<string>((_, reject) => {
      signal.addEventListener("abort", () => {
        seen.push(signal.reason);
        reject(signal.reason);
      });
    });
}

describe("allOrFirstFailure", () => {
  it("resolves every value in order when none fails", async () => {
    const values = await allOrFirstFailure([async () => "web", async () => "api", async () => "worker"]);
    expect(values).toEqual(["web", "api", "worker"]);
  });

  it("the first failure ends the others (their signal aborts) and is the error", async () => {
    const seen: unknown[] = [];
    const failed = new Error("web (blue) did not become healthy at http://127.0.0.1:5001/health: HTTP 500");
    const result = allOrFirstFailure([waitsForAbort(seen), async () => Promise.reject(failed), waitsForAbort(seen)]);
    await expect(result).rejects.toBe(failed);
    expect(seen).toEqual([ENDED_BY_ANOTHER, ENDED_BY_ANOTHER]);
  });

  it("a later failure (one aborted, or failing on its own meanwhile) does not replace the first", async () => {
    const first = new Error("first");
    const aborted: boolean[] = [];
    const result = allOrFirstFailure([
      () => Promise.reject(first),
      async (signal) => {
        await new Promise((resolve) => setImmediate(resolve));
        aborted.push(signal.aborted);
        throw new Error("second");
      },
    ]);
    await expect(result).rejects.toBe(first);
    expect(aborted).toEqual([true]);
  });

  it("the run's interrupt aborts every wait; its reason is the error", async () => {
    const seen: unknown[] = [];
    const interrupt = new AbortController();
    const result = allOrFirstFailure([waitsForAbort(seen), waitsForAbort(seen)], interrupt.signal);
    interrupt.abort("SIGINT");
    await expect(result).rejects.toBe("SIGINT");
    expect(seen).toEqual(["SIGINT", "SIGINT"]);
  });
});

/** The flow tests' config with a second service, `api`, whose health block is the default (timeout 60 s). */
async function twoServices() {
  const text = configText().replace(
    "inventory:",
    `  api:
    build: { context: api }
    port: 5002
    health: { path: /health }
    systemd: { app_module: "api:app" }
inventory:`,
  );
  const file = join(mkdtempSync(join(tmpdir(), "slipway-gate-")), "slipway.yml");
  writeFileSync(file, text);
  return loadConfig(file);
}

describe("the gate of several services", () => {
  it("web's own 1 s timeout passed unhealthy: the gate fails at once with web's error, api's 60 s wait cut short", async () => {
    const host = hostWithLiveGreen({ health: 500 });
    const cfg = await twoServices();
    expect(cfg.services.api?.health?.timeout ?? "60s").toBe("60s");
    const calls: string[] = [];
    const events: DeployEvent[] = [];
    const error = await failure(runHost(hostRun(host, cfg, calls, events), "x"));
    expect(error.message).toBe("web (blue) did not become healthy at http://127.0.0.1:5001/health: HTTP 500 ok");
    expect(error.step).toBe("gate");
    expect(stepTrail(events).slice(-3)).toEqual(["gate:failed", "gate:undone", "start:undone"]);
    // Only web's failure is reported: api never got to its own timeout.
    const unhealthy = logLines(events, "gate").filter((l) => l.includes(" is unhealthy after "));
    expect(unhealthy.map((l) => l.split(" after ")[0])).toEqual(["web on blue is unhealthy"]);
    expect(logLines(events, "gate").some((l) => l.startsWith("api"))).toBe(false);
    expect(calls).toEqual(["stage blue", "start blue", "stop blue"]);
  });
});
