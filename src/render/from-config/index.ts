/**
 * Every file Slipway installs for one slipway.yml, rendered from the config alone: the nginx site and its upstream
 * includes (unless proxy.mode is internal), the systemd template units, the per-color env files, and the compose
 * or swarm stack file of each color. Pure: no I/O; the caller decides whether to print, write or install.
 */
import type { SlipwayConfig } from "../../config/schema.js";
import { renderCompose } from "../compose.js";
import type { Color } from "../model.js";
import { renderNginxFiles } from "../nginx.js";
import { publicPortFiles } from "../public-port.js";
import { accessoriesComposeFromConfig, accessoryEnvFilePath, accessoryNames } from "./compose.js";
import { envFileFromConfig } from "./env-files.js";
import { nginxSiteFromConfig, sitePathFromConfig } from "./nginx.js";
import {
  type ConfigRenderedFile,
  colorRuntimeFiles,
  type RuntimeFilesOptions,
  systemdUnitFiles,
} from "./runtime-files.js";
import { accessoriesStackFiles } from "./swarm-files.js";

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
export {
  type ConfigFileKind,
  type ConfigRenderedFile,
  colorRuntimeFiles,
  composeFilePath,
  type RuntimeFilesOptions,
  systemdUnitFiles,
} from "./runtime-files.js";
export { releaseCodeDir, systemdUnitFromConfig, systemdUnitsFromConfig } from "./systemd.js";

export interface RenderFromConfigOptions extends RuntimeFilesOptions {
  /** The live color: what the nginx upstreams (and internal mode's public ports) point at. */
  color: Color;
  /** Colors whose runtime files to render. Default: both. */
  colors?: readonly Color[];
  /** The certificate exists on the host (TLS on): render the HTTPS server block. */
  tlsReady: boolean;
}

/**
 * Every file a deploy installs for the config (on `hostName` when given): the nginx site, the systemd template units,
 * internal mode's public-port units pointed at the live color, each color's runtime files (colorRuntimeFiles: what
 * the runtimes install) and the accessories' files.
 */
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
  files.push(...systemdUnitFiles(config, options.hostName));
  // proxy.mode internal: the public ports' socket and forwarder, pointed at the live color (what the switch installs).
  for (const units of publicPortFiles(config, options.color)) {
    for (const unit of [units.socket, units.service]) {
      files.push({ kind: "systemd-unit", path: unit.path, content: unit.content, mode: 0o644 });
    }
  }
  for (const color of colors) files.push(...colorRuntimeFiles(config, color, options));
  files.push(...accessoryFiles(config, options));
  return files;
}

/**
 * The accessories' compose file and env files (runtime compose), or their stack file (runtime swarm): one set,
 * whatever the colors.
 */
function accessoryFiles(config: SlipwayConfig, options: RenderFromConfigOptions): ConfigRenderedFile[] {
  if (config.runtime === "swarm") return accessoriesStackFiles(config, options);
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
