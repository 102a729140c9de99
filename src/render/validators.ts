/**
 * argv builders for validating and activating rendered files on a host. Pure: unit tests compare them exactly.
 */

import { composeProjectName } from "./compose.js";
import type { Command } from "./install.js";
import type { Color } from "./model.js";

export function nginxTest(binary = "nginx"): Command {
  return { argv: [binary, "-t"], what: "nginx -t" };
}

export function nginxReload(): Command {
  return { argv: ["systemctl", "reload", "nginx"], what: "reload nginx" };
}

/**
 * `systemd-analyze verify` on one instance of the template (a template itself cannot be verified): the path names
 * `<unit>@<color>.service` in the directory that holds `<unit>@.service`.
 */
export function systemdVerify(templatePath: string, color: Color): Command {
  const instancePath = templatePath.replace(/@\.service$/, `@${color}.service`);
  return { argv: ["systemd-analyze", "verify", instancePath], what: "systemd-analyze verify" };
}

export function systemdDaemonReload(): Command {
  return { argv: ["systemctl", "daemon-reload"], what: "systemctl daemon-reload" };
}

/** `docker compose` (v2) or `docker-compose` (v1), as the host's facts report. */
export function composeConfigCheck(flavour: "v2" | "v1", app: string, color: Color, file: string): Command {
  const base = flavour === "v2" ? ["docker", "compose"] : ["docker-compose"];
  return {
    argv: [...base, "-p", composeProjectName(app, color), "-f", file, "config", "-q"],
    what: `${base.join(" ")} config`,
  };
}
