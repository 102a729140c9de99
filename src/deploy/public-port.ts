/**
 * The switch under proxy.mode internal: each service with `public_port` gets its socket and forwarder units
 * (src/render/public-port.ts) pointed at the color's port, the socket enabled, a running forwarder restarted so new
 * connections go to the new color (connections already open through it are closed).
 */

import { systemctlArgv, systemdDaemonReload } from "../commands/systemd.js";
import type { Color, SlipwayConfig } from "../config/index.js";
import { type InstallResult, installValidated } from "../install/validated.js";
import type { RemoteHost } from "../remote/types.js";
import { publicPortFiles } from "../render/public-port.js";
import { answerMismatch } from "../verify/judge.js";
import { parseRouteCheck, routeCheckArgv, type VerifyOutcome } from "./nginx.js";

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

/** What internal mode serves from outside: each public port with its service's health path. */
export function publicPortChecks(config: SlipwayConfig) {
  return Object.entries(config.services).flatMap(([name, service]) =>
    service.public_port === undefined
      ? []
      : [
          {
            service: name,
            port: service.public_port,
            path: service.health?.path ?? "/",
            status: service.health?.expected_status ?? 200,
            ...(service.health?.expected_body !== undefined ? { bodyContains: service.health.expected_body } : {}),
          },
        ],
  );
}

/**
 * After the switch under proxy.mode internal (no nginx, no routes): GET each public port's health path on the host,
 * through the socket and forwarder users reach, expecting the service's health answer. A port that does not answer
 * (forwarder not started, pointed at a stopped color) fails the run. Never throws for a bad answer.
 */
export async function verifyPublicPorts(
  host: RemoteHost,
  config: SlipwayConfig,
): Promise<VerifyOutcome & { urls: string[] }> {
  const failures: string[] = [];
  const urls: string[] = [];
  for (const check of publicPortChecks(config)) {
    const argv = routeCheckArgv(check.path, undefined, { kind: "preview", port: check.port });
    const result = await host.exec(argv, { check: false, step: "verify" });
    const answer = parseRouteCheck(result.stdout, config.app);
    const where = `GET http://127.0.0.1:${check.port}${check.path} (${check.service}'s public port)`;
    const mismatch = answer.status ? answerMismatch(check, answer.status, answer.body) : null;
    if (!answer.status || mismatch !== null) {
      const what = mismatch ?? (result.stderr.trim() || "no answer");
      const body = answer.body.slice(0, 120).trim();
      failures.push(`${where}: ${what}${body ? `: ${body}` : ""}`);
    } else urls.push(`:${check.port}${check.path}`);
  }
  return { ok: failures.length === 0, failures, urls };
}
