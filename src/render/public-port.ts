/**
 * proxy.mode internal has no nginx, yet seed 000's frontend must answer on a stable public port while the colors
 * move between ports on 127.0.0.1. A systemd socket holds the public port (so connections wait in its backlog, never
 * refused) and systemd-socket-proxyd, started by it, forwards to the live color's port; the switch rewrites the
 * target and restarts the forwarder.
 */
import { colorPort } from "../config/ports.js";
import type { SlipwayConfig } from "../config/schema.js";
import { positiveInt } from "./validate.js";

export interface PublicPortUnits {
  socket: { name: string; path: string; content: string };
  service: { name: string; path: string; content: string };
}

/** `<app>-<service>-public.socket` on `publicPort` (all addresses) and its forwarder to 127.0.0.1:`target`. */
export function publicPortUnits(app: string, service: string, publicPort: number, target: number): PublicPortUnits {
  const base = `${app}-${service}-public`;
  const header = `# Managed by Slipway: ${app} ${service} on its public port (proxy.mode internal).`;
  const socket = [
    header,
    "[Unit]",
    `Description=${app} ${service}: public port ${positiveInt(publicPort, "public_port")}`,
    "",
    "[Socket]",
    `ListenStream=${publicPort}`,
    "",
    "[Install]",
    "WantedBy=sockets.target",
    "",
  ].join("\n");
  const forwarder = [
    header,
    "[Unit]",
    `Description=${app} ${service}: forward the public port to the live color (127.0.0.1:${positiveInt(target, "port")})`,
    `Requires=${base}.socket`,
    `After=${base}.socket`,
    "",
    "[Service]",
    `ExecStart=/lib/systemd/systemd-socket-proxyd 127.0.0.1:${target}`,
    "DynamicUser=yes",
    "PrivateTmp=yes",
    "NoNewPrivileges=yes",
    "",
  ].join("\n");
  return {
    socket: { name: `${base}.socket`, path: `/etc/systemd/system/${base}.socket`, content: socket },
    service: { name: `${base}.service`, path: `/etc/systemd/system/${base}.service`, content: forwarder },
  };
}

/** The units of every service with a public port, forwarding to `color`; empty when there are none. */
export function publicPortFiles(config: SlipwayConfig, color: "blue" | "green"): PublicPortUnits[] {
  return Object.entries(config.services).flatMap(([name, service]) =>
    service.public_port === undefined
      ? []
      : [publicPortUnits(config.app, name, service.public_port, colorPort(service, color))],
  );
}
