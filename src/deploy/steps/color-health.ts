/**
 * A color this run started again (stop-old's undo, the restore's writers) must answer before users get it back: its
 * HTTP services' health checks, with the gate's one health wait (healthGate) and each service's `health` block.
 */
import type { Color } from "../../config/index.js";
import { probeAddress } from "../../config/layout.js";
import { colorPortsOf } from "../drain.js";
import { gateArgs, healthGate } from "../health.js";
import { gateKind } from "../running-gate.js";
import type { FlowState } from "./types.js";

/** A service of the color that did not answer its health check in time, with its last answer (or why none came). */
export interface UnhealthyService {
  name: string;
  last: string;
}

/**
 * Waits for every HTTP service (each instance) of `color` on this host to pass its health check, all at once; up to
 * each service's `health.timeout`. Not cut short by the run's interrupt: undos call it, and an interrupted run is
 * undoing. Never throws: resolves the services that did not pass (a lost connection counts as one), empty when all
 * did. Workers (no port) are not waited for: nginx sends users to none of them.
 */
export async function waitColorHealthy(s: FlowState, color: Color): Promise<UnhealthyService[]> {
  const { host, config } = s.run;
  const ports = colorPortsOf(s.local, color).filter((p) => gateKind(p.service) === "http");
  const outcomes = await Promise.all(
    ports.map(async ({ name, service, port }) => {
      const args = gateArgs(name, service, port, probeAddress(config, name, host.name));
      const gate = await healthGate(host, args).catch((e: unknown) => ({
        ok: false,
        last: e instanceof Error ? e.message : String(e),
      }));
      return gate.ok ? null : { name, last: gate.last || "no answer" };
    }),
  );
  return outcomes.filter((o): o is UnhealthyService => o !== null);
}
