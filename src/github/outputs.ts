/** The action's outputs from a deploy result (pure): release, environment URL, images as JSON. */
import type { SlipwayConfig } from "../config/schema.js";
import type { DeployResult } from "../deploy/types.js";

export interface ActionOutputs {
  release: string;
  url: string;
  images: string;
}

/** The public URL: the first host's reported URL, else scheme + first domain + base path from the config. */
export function environmentUrl(config: SlipwayConfig, result?: DeployResult): string | undefined {
  const reported = result?.hosts.find((h) => h.url)?.url;
  if (reported) return reported;
  const domain = config.proxy.domains[0];
  if (!domain || config.proxy.mode === "internal") return undefined;
  const scheme = config.tls.enabled ? "https" : "http";
  return `${scheme}://${domain}${config.proxy.base_path}`;
}

export function actionOutputs(config: SlipwayConfig, result: DeployResult): ActionOutputs {
  return {
    release: result.release,
    url: environmentUrl(config, result) ?? "",
    images: JSON.stringify(result.images),
  };
}
