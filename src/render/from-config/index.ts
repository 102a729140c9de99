/**
 * Every file Slipway installs for one slipway.yml, rendered from the config alone: the nginx site and its upstream
 * includes (unless proxy.mode is internal), the systemd template units, the per-color env files, and the compose
 * file of each color. Pure: no I/O; the caller decides whether to print, write or install.
 */
import type { SlipwayConfig } from "../../config/schema.js";
import { renderCompose } from "../compose.js";
import type { DotenvFlavour } from "../dotenv.js";
import type { Color } from "../model.js";
import { renderNginxFiles } from "../nginx.js";
import { publicPortFiles } from "../public-port.js";
import { renderSystemdUnit, templateUnitName } from "../systemd.js";
import { accessoriesComposeFromConfig, accessoryEnvFilePath, accessoryNames, composeFromConfig } from "./compose.js";
import { envFileFromConfig } from "./env-files.js";
import { nginxSiteFromConfig, sitePathFromConfig } from "./nginx.js";
import { systemdUnitsFromConfig } from "./systemd.js";

export {
  accessoriesComposeFromConfig,
  accessoriesNetworkName,
  accessoryEnvFilePath,
  accessoryNames,
  composeFromConfig,
  imageRepository,
  serviceImageRef,
} from "./compose.js";
export { type EnvFileOptions, envFileFromConfig, secretPlaceholder } from "./env-files.js";
export { ConfigMappingError } from "./errors.js";
export { nginxSiteFromConfig, sitePathFromConfig, tlsModel, upstreamFromConfig } from "./nginx.js";
export { releaseCodeDir, systemdUnitFromConfig, systemdUnitsFromConfig } from "./systemd.js";

export type ConfigFileKind = "nginx-upstream" | "nginx-site" | "systemd-unit" | "env-file" | "compose";

export interface ConfigRenderedFile {
  kind: ConfigFileKind;
  path: string;
  content: string;
  /** File mode on the host: env files hold secrets (0600). */
  mode: number;
  color?: Color;
  /** Secret names rendered as placeholders: the file is for reading, not for installing. */
  redacted?: string[];
}

export interface RenderFromConfigOptions {
  /** The live color: what the nginx upstreams point at. */
  color: Color;
  /** Colors whose env and compose files to render. Default: both. */
  colors?: readonly Color[];
  /** The certificate exists on the host (TLS on): render the HTTPS server block. */
  tlsReady: boolean;
  /** Runtime compose: image per service, pinned by digest. */
  images?: Readonly<Record<string, string>>;
  /** Compose flavour of the host (runtime compose env files). Default: the dotenv form v1 and v2 both read. */
  composeFlavour?: DotenvFlavour;
  /** Secret values by name; a secret without one is rendered as a placeholder and listed in `redacted`. */
  secrets?: Readonly<Record<string, string>>;
}

/** `/opt/<app>/compose/<color>/compose.yml`: one directory per color, each its own compose project. */
export function composeFilePath(config: SlipwayConfig, color: Color): string {
  return `${config.deploy_dir}/compose/${color}/compose.yml`;
}

export function renderFromConfig(config: SlipwayConfig, options: RenderFromConfigOptions): ConfigRenderedFile[] {
  const colors = options.colors ?? (["blue", "green"] as const);
  const files: ConfigRenderedFile[] = [];

  const site = nginxSiteFromConfig(config, { color: options.color, tlsReady: options.tlsReady });
  if (site) {
    for (const file of renderNginxFiles(site, sitePathFromConfig(config))) {
      const kind = file.path.endsWith(".upstream.conf") ? "nginx-upstream" : "nginx-site";
      files.push({ kind, ...file, mode: 0o644 });
    }
  }
  for (const unit of systemdUnitsFromConfig(config)) {
    const path = `/etc/systemd/system/${templateUnitName(unit.app, unit.service)}`;
    files.push({ kind: "systemd-unit", path, content: renderSystemdUnit(unit), mode: 0o644 });
  }
  // proxy.mode internal: the public ports' socket and forwarder, pointed at this color (what the switch installs).
  for (const units of publicPortFiles(config, options.color)) {
    for (const unit of [units.socket, units.service]) {
      files.push({ kind: "systemd-unit", path: unit.path, content: unit.content, mode: 0o644 });
    }
  }
  for (const color of colors) {
    for (const name of Object.keys(config.services)) {
      const service = config.services[name];
      // Under compose the plain env is in the compose file; the env file exists only for secrets.
      if (config.runtime === "compose" && (service?.secrets.length === 0 || service?.accessory)) continue;
      const env = envFileFromConfig(config, name, color, options.secrets, {
        runtimeFormat: true,
        composeFlavour: options.composeFlavour,
      });
      files.push({
        kind: "env-file",
        path: env.path,
        content: env.content,
        mode: 0o600,
        color,
        redacted: env.redacted,
      });
    }
    if (config.runtime === "compose") {
      const model = composeFromConfig(config, { color, images: options.images ?? {} });
      files.push({
        kind: "compose",
        path: composeFilePath(config, color),
        content: renderCompose(model),
        mode: 0o640,
        color,
      });
    }
  }
  files.push(...accessoryFiles(config, options));
  return files;
}

/** The accessories' compose file and env files (runtime compose): one set, whatever the colors. */
function accessoryFiles(config: SlipwayConfig, options: RenderFromConfigOptions): ConfigRenderedFile[] {
  if (config.runtime !== "compose") return [];
  const model = accessoriesComposeFromConfig(config, options.images ?? {});
  if (!model) return [];
  const files: ConfigRenderedFile[] = [];
  for (const name of accessoryNames(config)) {
    if ((config.services[name]?.secrets.length ?? 0) === 0) continue;
    const env = envFileFromConfig(config, name, "blue", options.secrets, {
      runtimeFormat: true,
      composeFlavour: options.composeFlavour,
    });
    const path = accessoryEnvFilePath(config, name);
    files.push({ kind: "env-file", path, content: env.content, mode: 0o600, redacted: env.redacted });
  }
  const path = accessoriesComposeFilePath(config);
  files.push({ kind: "compose", path, content: renderCompose(model), mode: 0o640 });
  return files;
}

/** `/opt/<app>/compose/accessories/compose.yml`: the project of the accessories, beside the colors' directories. */
export function accessoriesComposeFilePath(config: SlipwayConfig): string {
  return `${config.deploy_dir}/compose/accessories/compose.yml`;
}
