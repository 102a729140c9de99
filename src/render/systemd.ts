/**
 * systemd template unit `<app>-<service>@.service` (instance = color) and the per-instance environment file that
 * carries its PORT. Every value is escaped for its place in the unit (see systemd-values.ts).
 */

import { RenderError } from "./errors.js";
import { renderTemplate } from "./handlebars.js";
import type { Color, SystemdUnitModel } from "./model.js";
import * as sd from "./systemd-values.js";
import { hostAddress, identifier, port, positiveInt } from "./validate.js";

export function unitPrefix(app: string, service: string): string {
  return `${app}-${service}`;
}

/** `harvest-backend@.service` */
export function templateUnitName(app: string, service: string): string {
  return `${unitPrefix(app, service)}@.service`;
}

/**
 * The systemd instance of a color's `instance`-th process (0-based) of a load-balanced service
 * (`proxy.load_balance.<service>.instances`): `blue` for the first, `blue-2`, `blue-3`... after it (the container
 * runtime names its containers the same way).
 */
export function colorInstance(color: Color, instance = 0): string {
  return instance === 0 ? color : `${color}-${instance + 1}`;
}

/** `harvest-backend@blue.service`; `harvest-backend@blue-2.service` for a load-balanced service's second process. */
export function instanceUnitName(app: string, service: string, color: Color, instance = 0): string {
  return `${unitPrefix(app, service)}@${colorInstance(color, instance)}.service`;
}

/** `<dir>/<service>-<color>.env` (`-blue-2.env` for a second instance; `-%i.env` in the template unit). */
export function environmentFilePath(dir: string, service: string, color: Color | "%i", instance = 0): string {
  const id = color === "%i" ? color : colorInstance(color, instance);
  return `${dir.replace(/\/$/, "")}/${service}-${id}.env`;
}

/**
 * The per-instance drop-in the deploy installs beside the template: `<unit>@<color>.service.d/slipway-release.conf`,
 * pointing the instance's WorkingDirectory at `<deploy_dir>/colors/<color>/<service>` (so blue and green run
 * different releases from one template).
 */
export function dropInPath(app: string, service: string, color: Color, instance = 0): string {
  return `/etc/systemd/system/${instanceUnitName(app, service, color, instance)}.d/slipway-release.conf`;
}

export function dropInContent(deployDir: string, service: string, color: Color): string {
  const root = deployDir.replace(/\/$/, "");
  const dir = `${root}/colors/${color}/${service}`;
  return `# Managed by Slipway: the ${color} instance runs the release ${deployDir}/colors/${color} points at.\n[Service]\nWorkingDirectory=${dir}\n`;
}

export function renderSystemdUnit(model: SystemdUnitModel): string {
  const app = identifier(model.app, "app");
  const service = identifier(model.service, "service");
  const prefix = unitPrefix(app, service);
  const envDir = sd.systemdPath(model.environmentFileDir, "environmentFileDir");
  const view = {
    unit: templateUnitName(app, service),
    unitPrefix: prefix,
    description: sd.freeText(model.description, "description"),
    after: model.after.map((u, i) => sd.unitName(u, `after[${i}]`)),
    wants: model.wants.map((u, i) => sd.unitName(u, `wants[${i}]`)).join(" ") || null,
    user: sd.unixName(model.user, "user"),
    group: sd.unixName(model.group, "group"),
    workingDirectory: sd.systemdPath(model.workingDirectory, "workingDirectory"),
    // %i is the one specifier Slipway writes on purpose: each color reads its own file.
    environmentFile: environmentFilePath(envDir, service, "%i"),
    environment: Object.entries(model.environment).map(([name, value]) =>
      sd.environmentAssignment(name, value, `environment.${name}`),
    ),
    execStart: execStart(model),
    restart: model.restart === "always" ? "always" : "on-failure",
    restartSeconds: positiveInt(model.restartSeconds, "restartSeconds", 0),
    timeoutStopSec: sd.timeoutStopSec(positiveInt(model.stopTimeoutSeconds ?? 30, "stopTimeoutSeconds", 0)),
    limitNofile: positiveInt(model.limitNofile, "limitNofile"),
    memoryMax: model.memoryMax === null ? null : sd.memory(model.memoryMax, "memoryMax"),
    cpuQuota: model.cpuQuota === null ? null : sd.cpuQuota(model.cpuQuota, "cpuQuota"),
    readWritePaths: model.readWritePaths.map((p, i) => sd.systemdPath(p, `readWritePaths[${i}]`)),
    createDirs: model.readWritePaths.map((p, i) =>
      createDirCommand(p, model.user, model.group, `readWritePaths[${i}]`),
    ),
    memoryDenyWriteExecute: !model.allowWriteExecuteMemory,
  };
  return renderTemplate("systemd/service@.service.hbs", view);
}

/**
 * ReadWritePaths= fails the unit when the directory is missing, so each one is created before the start, owned by the
 * service, by a privileged (`+`, outside the sandbox) ExecStartPre. An existing directory is left as it is (it may be
 * a database's, owned by its server).
 */
function createDirCommand(path: string, user: string, group: string, field: string): string {
  const dir = sd.systemdPath(path, field);
  if (!/^\/[A-Za-z0-9._/@+-]+$/.test(dir)) {
    throw new RenderError(field, path, "has characters a shell word cannot carry unquoted");
  }
  const owner = `-o ${sd.unixName(user, "user")} -g ${sd.unixName(group, "group")}`;
  return `+/bin/sh -c "test -d ${dir} || exec /usr/bin/install -d ${owner} -m 0750 ${dir}"`;
}

/**
 * ExecStart words. `${PORT}` is the one variable reference written on purpose (from the EnvironmentFile); every
 * other word goes through execArg, which makes `$` and `%` literal.
 */
function execStart(model: SystemdUnitModel): string {
  const server = model.server;
  const bind = hostAddress(model.bindHost, "bindHost");
  const arg = (value: string, field: string) => sd.execArg(value, `server.${field}`);
  const extra = (server.extraArgs ?? []).map((a, i) => arg(a, `extraArgs[${i}]`));
  const binary = sd.systemdPath(server.binary, "server.binary");
  const workers = positiveInt(server.workers, "server.workers");
  if (!/^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_.()]*$/.test(server.app)) {
    throw new RenderError("server.app", server.app, "is not a module:attribute target like wsgi_be:app");
  }
  const words =
    server.kind === "gunicorn"
      ? [
          binary,
          "--workers",
          String(workers),
          "--bind",
          `${bind}:\${PORT}`,
          "--timeout",
          String(positiveInt(server.timeoutSeconds, "server.timeoutSeconds")),
          "--access-logfile",
          "-",
          "--error-logfile",
          "-",
          ...extra,
          arg(server.app, "app"),
        ]
      : // biome-ignore lint/suspicious/noTemplateCurlyInString: systemd expands ${PORT} from the EnvironmentFile
        [binary, arg(server.app, "app"), "--host", bind, "--port", "${PORT}", "--workers", String(workers), ...extra];
  return words.join(" ");
}

/**
 * The per-instance EnvironmentFile (`PORT=5001` plus whatever the deploy adds). Values are double-quoted with `\`,
 * `"`, `$` and backquote escaped, the quoting systemd's EnvironmentFile parser undoes exactly.
 */
export function renderEnvironmentFile(vars: Record<string, string | number>, field = "environmentFile"): string {
  const lines = Object.entries(vars).map(([name, raw]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RenderError(`${field} name`, name, "is not a variable name");
    const value = typeof raw === "number" ? String(port(raw, `${field}.${name}`)) : raw;
    if (typeof value !== "string" || value.includes("\0") || value.includes("\r")) {
      // The value may be a secret: the error names the variable only.
      throw new RenderError(`${field}.${name}`, "(value not shown)", "contains a NUL or carriage return");
    }
    return `${name}="${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
  });
  return `# Managed by Slipway.\n${lines.join("\n")}\n`;
}
