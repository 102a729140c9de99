import type { SlipwayConfig } from "./schema.js";

/** `slipway.yml: valid (app harvest, 2 services, 2 hosts, runtime systemd)`, plus environments when there are any. */
export function validSummary(file: string, config: SlipwayConfig, environments: readonly string[] = []): string {
  const services = Object.keys(config.services).length;
  const hosts = Object.keys(config.inventory.hosts).length;
  const parts = [
    `app ${config.app}`,
    `${services} service${services === 1 ? "" : "s"}`,
    `${hosts} host${hosts === 1 ? "" : "s"}`,
    `runtime ${config.runtime}`,
  ];
  if (config.strategy !== "blue-green") parts.push(`strategy ${config.strategy}`);
  const envs = environments.length > 0 ? `; environments ${environments.join(", ")}` : "";
  const which = config.environment ? ` [${config.environment}]` : "";
  return `${file}${which}: valid (${parts.join(", ")}${envs})`;
}
