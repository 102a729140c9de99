/**
 * slipway.yml -> one SystemdUnitModel per service (runtime systemd): the template unit `<app>-<service>@.service`
 * whose instance is the color. The port and the environment live in the per-color env file (env-files.ts), so the
 * template is the same for both colors and a new release's env cannot leak into the running color on a restart.
 */
import { dirname } from "node:path";
import { listenAddress } from "../../config/layout.js";
import type { SlipwayConfig } from "../../config/schema.js";
import type { SystemdUnitModel } from "../model.js";
import { durationSeconds, envDir, envString, integerSize, serviceOf, stopTimeoutSeconds } from "./common.js";
import { ConfigMappingError } from "./errors.js";

/** Debian's packaged servers, used when the service names no virtualenv. */
const SYSTEM_BINARIES = { gunicorn: "/usr/bin/gunicorn", uvicorn: "/usr/bin/uvicorn" } as const;
/** Where the code of the live release of a service is, unless `systemd.working_dir` says otherwise. */
export function releaseCodeDir(config: SlipwayConfig, service: string): string {
  return `${config.deploy_dir}/current/${service}`;
}

export function systemdUnitsFromConfig(config: SlipwayConfig): SystemdUnitModel[] {
  if (config.runtime !== "systemd") return [];
  return Object.keys(config.services).map((name) => systemdUnitFromConfig(config, name));
}

/**
 * The template unit of one service. `hostName`: the inventory host it is installed on, whose address the server
 * binds when nginx runs elsewhere (config/layout.ts listenAddress; without it, 0.0.0.0 then).
 */
export function systemdUnitFromConfig(config: SlipwayConfig, name: string, hostName?: string): SystemdUnitModel {
  const field = `services.${name}`;
  const service = serviceOf(config, name, field);
  const sd = service.systemd;
  if (service.command !== undefined) {
    throw new ConfigMappingError(
      `${field}.command`,
      "is not supported by runtime systemd yet: the unit starts gunicorn or uvicorn from `systemd.app_module`",
      "remove `command` and set `systemd.app_module` (and `systemd.server`)",
    );
  }
  if (!sd?.app_module) {
    throw new ConfigMappingError(`${field}.systemd.app_module`, "is missing: the unit needs the app to serve");
  }
  const serverBinary = sd.venv ? `${sd.venv}/bin/${sd.server}` : SYSTEM_BINARIES[sd.server];
  if (sd.worker_class !== undefined && sd.server !== "gunicorn") {
    throw new ConfigMappingError(`${field}.systemd.worker_class`, "applies to gunicorn only", "remove it for uvicorn");
  }
  const server: SystemdUnitModel["server"] =
    sd.server === "gunicorn"
      ? {
          kind: "gunicorn",
          binary: serverBinary,
          app: sd.app_module,
          workers: sd.workers,
          timeoutSeconds: durationSeconds(sd.timeout, `${field}.systemd.timeout`),
          ...(sd.worker_class ? { extraArgs: ["--worker-class", sd.worker_class] } : {}),
        }
      : { kind: "uvicorn", binary: serverBinary, app: sd.app_module, workers: sd.workers };
  const user = serviceUser(config, name);
  const resources = service.resources;
  return {
    app: config.app,
    service: name,
    description: `${config.app} ${name} (${sd.server})`,
    user,
    group: sd.group ?? user,
    workingDirectory: sd.working_dir ?? releaseCodeDir(config, name),
    // A load balancer on another host connects to the service, so it listens beyond loopback only then.
    bindHost: listenAddress(config, name, hostName),
    server,
    environmentFileDir: envDir(config),
    environment: {},
    restart: "always",
    restartSeconds: 5,
    stopTimeoutSeconds: stopTimeoutSeconds(config),
    readWritePaths: [...sd.read_write_paths, ...databaseDirFor(config, name)].filter(
      (p, i, all) => all.indexOf(p) === i,
    ),
    memoryMax: resources?.memory === undefined ? null : systemdMemory(resources.memory, `${field}.resources.memory`),
    cpuQuota: resources?.cpus === undefined ? null : `${Math.round(resources.cpus * 100)}%`,
    limitNofile: resources?.nofile ?? 65535,
    after: service.depends_on.map((dep) => `${config.app}-${dep}@%i.service`),
    wants: service.depends_on.map((dep) => `${config.app}-${dep}@%i.service`),
  };
}

/**
 * The dedicated system user every service of an app runs as unless `systemd.user` names another: `app-<app>`
 * (at most 32 characters, useradd's limit). Never the SSH user, who can deploy and sits in the docker group, and never
 * root: code execution in the app must not reach either. The deploy creates it (src/deploy/app-user.ts).
 */
export function appUser(app: string): string {
  return `app-${app}`.slice(0, 32).replace(/-+$/, "");
}

/** The user a service's unit runs as: `systemd.user`, else the app's dedicated user. */
export function serviceUser(config: SlipwayConfig, name: string): string {
  return config.services[name]?.systemd?.user ?? appUser(config.app);
}

/**
 * The directory of a file database (sqlite/duckdb at an absolute path) is writable for the services that use it:
 * those whose env mentions the file or its directory, or every service when none does.
 */
function databaseDirFor(config: SlipwayConfig, name: string): string[] {
  const db = config.database;
  if (!db?.path?.startsWith("/") || db.volume !== undefined) return [];
  const dir = dirname(db.path);
  const mentions = (service: string) =>
    Object.values(config.services[service]?.env ?? {}).some((v) => envString(v).startsWith(dir));
  const users = Object.keys(config.services).filter(mentions);
  return users.length === 0 || users.includes(name) ? [dir] : [];
}

function systemdMemory(value: string, configPath: string): string {
  const { amount, unit } = integerSize(value, configPath);
  return `${amount}${unit}`;
}
