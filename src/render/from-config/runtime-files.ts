/**
 * The files a deploy installs for one color on one host, besides the nginx site: under systemd each process's env
 * file and WorkingDirectory drop-in (every instance of a load-balanced service), under container each service's env
 * file, under compose the secrets' env files and the color's compose file, under swarm the color's stack file (the
 * secrets are swarm objects, no env file). `slipway render` lists these and the runtimes install exactly these
 * (src/deploy/*-runtime.ts), so what render shows is what lands on the host.
 */
import type { SlipwayConfig } from "../../config/schema.js";
import { renderCompose } from "../compose.js";
import type { DotenvFlavour } from "../dotenv.js";
import type { Color } from "../model.js";
import { dropInContent, dropInPath, renderSystemdUnit, templateUnitName } from "../systemd.js";
import { serviceInstances } from "./common.js";
import { composeFromConfig } from "./compose.js";
import { envFileFromConfig } from "./env-files.js";
import { colorStackFile } from "./swarm-files.js";
import { systemdUnitFromConfig } from "./systemd.js";

export type ConfigFileKind =
  | "nginx-upstream"
  | "nginx-site"
  | "systemd-unit"
  | "systemd-drop-in"
  | "env-file"
  | "compose"
  | "swarm-stack";

export interface ConfigRenderedFile {
  kind: ConfigFileKind;
  path: string;
  content: string;
  /** File mode on the host: env files hold secrets (0600). */
  mode: number;
  color?: Color;
  /** The service the file belongs to (env files, drop-ins, units). */
  service?: string;
  /** Secret names rendered as placeholders: the file is for reading, not for installing. */
  redacted?: string[];
}

export interface RuntimeFilesOptions {
  /** The inventory host the files are for: its address is what a service binds when nginx runs elsewhere. */
  hostName?: string;
  /** Secret values by name; a secret without one is rendered as a placeholder and listed in `redacted`. */
  secrets?: Readonly<Record<string, string>>;
  /** Compose flavour of the host (runtime compose env files). Default: the dotenv form v1 and v2 both read. */
  composeFlavour?: DotenvFlavour;
  /** Runtimes compose and swarm: image per service, pinned by digest (no compose or stack file without every colored service's). */
  images?: Readonly<Record<string, string>>;
}

/** `/opt/<app>/compose/<color>/compose.yml`: one directory per color, each its own compose project. */
export function composeFilePath(config: SlipwayConfig, color: Color): string {
  return `${config.deploy_dir}/compose/${color}/compose.yml`;
}

/** Runtime systemd: the template unit of each service (the same for both colors), bound for `hostName`. */
export function systemdUnitFiles(config: SlipwayConfig, hostName?: string): ConfigRenderedFile[] {
  if (config.runtime !== "systemd") return [];
  return Object.keys(config.services).map((service) => ({
    kind: "systemd-unit",
    path: `/etc/systemd/system/${templateUnitName(config.app, service)}`,
    content: renderSystemdUnit(systemdUnitFromConfig(config, service, hostName)),
    mode: 0o644,
    service,
  }));
}

/** The color's env files, drop-ins, compose or stack file (see the module comment), in service order. */
export function colorRuntimeFiles(
  config: SlipwayConfig,
  color: Color,
  options: RuntimeFilesOptions = {},
): ConfigRenderedFile[] {
  const files: ConfigRenderedFile[] = [];
  const env = (service: string, instance = 0): ConfigRenderedFile => {
    const file = envFileFromConfig(config, service, color, options.secrets, {
      runtimeFormat: true,
      composeFlavour: options.composeFlavour,
      instance,
    });
    return {
      kind: "env-file",
      path: file.path,
      content: file.content,
      mode: 0o600,
      color,
      service,
      redacted: file.redacted,
    };
  };
  if (config.runtime === "systemd") {
    for (const { service, instance } of serviceInstances(config)) {
      files.push(env(service, instance), {
        kind: "systemd-drop-in",
        path: dropInPath(config.app, service, color, instance),
        content: dropInContent(config.deploy_dir, service, color),
        mode: 0o644,
        color,
        service,
      });
    }
    return files;
  }
  if (config.runtime === "swarm") return [colorStackFile(config, color, options)];
  for (const [name, service] of Object.entries(config.services)) {
    // Under compose the plain env is in the compose file: the env file exists only for secrets.
    if (config.runtime === "compose" && (service.secrets.length === 0 || service.accessory)) continue;
    files.push(env(name));
  }
  if (config.runtime === "compose") {
    const model = composeFromConfig(config, { color, images: options.images ?? {}, hostName: options.hostName });
    files.push({
      kind: "compose",
      path: composeFilePath(config, color),
      content: renderCompose(model),
      mode: 0o640,
      color,
    });
  }
  return files;
}
