/**
 * The per-service, per-color env file (`<deploy_dir>/env/<service>-<color>.env`, mode 0600): PORT under systemd, the
 * service's `env`, and its `secrets` by name. A secret's value is written only when the caller passes it; otherwise
 * a placeholder stands in and the file is marked incomplete, so it can be shown (redacted) but never installed.
 */
import { colorPort } from "../../config/ports.js";
import type { SlipwayConfig } from "../../config/schema.js";
import { renderDockerEnvFile } from "../docker-env.js";
import { type DotenvFlavour, renderComposeEnvFile } from "../dotenv.js";
import type { Color } from "../model.js";
import { environmentFilePath, renderEnvironmentFile } from "../systemd.js";
import { colorEnv, dependencyUrls, envDir, serviceOf } from "./common.js";
import { ConfigMappingError } from "./errors.js";

export interface EnvFileFromConfig {
  path: string;
  service: string;
  color: Color;
  content: string;
  /** Secret names in the file, in order. */
  secrets: string[];
  /** Secret names written as placeholders (no value given): the file must not be installed. */
  redacted: string[];
}

/** Text standing in for a secret's value when it is not known (or must not be shown). */
export function secretPlaceholder(name: string): string {
  return `<secret ${name}: redacted>`;
}

export interface EnvFileOptions {
  /**
   * Write the file in the format its reader takes (systemd EnvironmentFile, `docker run --env-file`, compose's
   * dotenv), with the plain env left to the compose file under runtime compose. Without it: systemd's format with
   * every variable (what the deploy converts itself until it takes this form).
   */
  runtimeFormat?: boolean;
  /** Compose flavour on the host (runtime compose): v1 and v2 read dotenv differently. Default: the form both read. */
  composeFlavour?: DotenvFlavour;
  /**
   * Runtime systemd, a load-balanced service: the file of its `instance`-th process (0-based), whose PORT is the
   * color's port plus `instance` (`<service>-<color>-<instance+1>.env`). Default 0.
   */
  instance?: number;
}

export function envFileFromConfig(
  config: SlipwayConfig,
  name: string,
  color: Color,
  secretValues: Readonly<Record<string, string>> = {},
  options: EnvFileOptions = {},
): EnvFileFromConfig {
  // Under runtime compose the plain env is in the compose file; the env file holds the secrets only.
  const includePlainEnv = !(options.runtimeFormat && config.runtime === "compose");
  const service = serviceOf(config, name, `services.${name}`);
  const vars: Record<string, string | number> = {};
  // Under systemd the unit is a template shared by both colors: the port is the one thing per instance. In a
  // container the app listens on `port` whatever the color (the color's port is the host side of the publish); the
  // service's own `env.PORT`, if any, wins there. A worker (no port) listens nowhere: no PORT.
  if (service.port !== undefined && config.runtime === "systemd") {
    vars.PORT = colorPort(service, color, options.instance ?? 0);
  } else if (service.port !== undefined && includePlainEnv) vars.PORT = service.port;
  for (const [key, value] of Object.entries(includePlainEnv ? colorEnv(config, name, color) : {})) {
    if (key === "PORT" && config.runtime === "systemd") {
      throw new ConfigMappingError(`services.${name}.env.PORT`, "is set by Slipway from the color's port", "remove it");
    }
    vars[key] = value;
  }
  // The app can tell which color it is (logs, metrics); the deploy sets the same value.
  if (includePlainEnv) {
    vars.SLIPWAY_COLOR = color;
    Object.assign(vars, dependencyUrls(config, name, color));
  }
  const redacted: string[] = [];
  for (const secret of service.secrets) {
    if (secret in vars) {
      throw new ConfigMappingError(`services.${name}.secrets`, `${secret} is also a plain variable in env`);
    }
    const value = secretValues[secret];
    if (value === undefined) redacted.push(secret);
    vars[secret] = value ?? secretPlaceholder(secret);
  }
  return {
    path: environmentFilePath(envDir(config), name, color, config.runtime === "systemd" ? options.instance : 0),
    service: name,
    color,
    content: envFileContent(config, vars, options, `services.${name}.env`),
    secrets: [...service.secrets],
    redacted,
  };
}

function envFileContent(
  config: SlipwayConfig,
  vars: Record<string, string | number>,
  options: EnvFileOptions,
  field: string,
): string {
  if (!options.runtimeFormat || config.runtime === "systemd") return renderEnvironmentFile(vars, field);
  const strings = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)]));
  if (config.runtime === "container") return renderDockerEnvFile(strings, field);
  return renderComposeEnvFile(strings, options.composeFlavour ?? "any", field);
}
