/**
 * The switch under proxy.mode internal: each service with `public_port` gets its socket and forwarder units
 * (src/render/public-port.ts) pointed at the color's port, the socket enabled, a running forwarder restarted so new
 * connections go to the new color (connections already open through it are closed).
 */

import { systemctlArgv, systemdDaemonReload } from "../commands/systemd.js";
import { type Color, colorPort, type SlipwayConfig } from "../config/index.js";
import { type InstallResult, installValidated } from "../install/validated.js";
import type { RemoteHost } from "../remote/types.js";
import { publicPortUnits } from "../render/public-port.js";

/** The units of every service with a public port, for `color`; empty when there are none. */
export function publicPortFiles(config: SlipwayConfig, color: Color) {
  return Object.entries(config.services).flatMap(([name, service]) =>
    service.public_port === undefined
      ? []
      : [publicPortUnits(config.app, name, service.public_port, colorPort(service, color))],
  );
}

/** Installs and activates the forwarders for `color`; null when no service has a public port. */
export async function switchPublicPorts(
  host: RemoteHost,
  config: SlipwayConfig,
  color: Color,
  check = false,
): Promise<InstallResult | null> {
  const units = publicPortFiles(config, color);
  if (units.length === 0) return null;
  const result = await installValidated(host, {
    files: units.flatMap((u) => [u.socket, u.service].map((f) => ({ path: f.path, content: f.content, mode: 0o644 }))),
    validate: [],
    reload: [systemdDaemonReload()],
    become: true,
    check,
    step: "switch",
  });
  if (check) return result;
  for (const u of units) {
    await host.exec(systemctlArgv("enable", [u.socket.name], ["--now"]), { become: true, step: "switch" });
    if (result.changed)
      await host.exec(systemctlArgv("try-restart", [u.service.name]), { become: true, step: "switch" });
  }
  return result;
}
