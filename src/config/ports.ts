import { GREEN_PORT_OFFSET } from "./schema/cross-checks.js";
import type { ServiceConfig } from "./schema.js";

export type Color = "blue" | "green";

/** Host port of a service's color (bound to 127.0.0.1); instance `i` of a load-balanced service is `port + i`. */
export function colorPort(service: Pick<ServiceConfig, "port" | "ports">, color: Color, instance = 0): number {
  const base =
    color === "blue"
      ? (service.ports?.blue ?? service.port)
      : (service.ports?.green ?? service.port + GREEN_PORT_OFFSET);
  return base + instance;
}
