import { SlipwayError } from "../errors.js";
import { GREEN_PORT_OFFSET } from "./schema/cross-checks.js";
import type { ServiceConfig } from "./schema.js";

export type Color = "blue" | "green";

export { isWorker } from "./schema/worker-checks.js";

/**
 * Host port of a service's color (bound to 127.0.0.1); instance `i` of a load-balanced service is `port + i`. Throws
 * for a worker (no port): callers leave workers out (drain.ts colorPortsOf).
 */
export function colorPort(service: Pick<ServiceConfig, "port" | "ports">, color: Color, instance = 0): number {
  const port = service.port;
  if (port === undefined) {
    throw new SlipwayError("a service without a port (a worker) has no color port", {
      hint: "this is a bug in Slipway: a worker must be left out of every port list",
    });
  }
  const base = color === "blue" ? (service.ports?.blue ?? port) : (service.ports?.green ?? port + GREEN_PORT_OFFSET);
  return base + instance;
}
