/** The action's outputs (action.yml `outputs`) from a deploy result (pure); JSON objects for images and backups. */
import type { SlipwayConfig } from "../config/schema.js";
import type { DeployResult } from "../deploy/types.js";

export interface ActionOutputs {
  release: string;
  "previous-release": string;
  url: string;
  images: string;
  backups: string;
  "deployment-id": string;
}

export interface OutputFacts {
  previousRelease?: string;
  /** Backup id per host. */
  backups?: Record<string, string>;
  /** The GitHub deployment recorded for this run. */
  deployment?: number;
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

export function actionOutputs(config: SlipwayConfig, result: DeployResult, facts: OutputFacts = {}): ActionOutputs {
  return {
    release: result.release,
    "previous-release": facts.previousRelease ?? "",
    url: environmentUrl(config, result) ?? "",
    images: JSON.stringify(result.images),
    backups: JSON.stringify(facts.backups ?? {}),
    "deployment-id": facts.deployment === undefined ? "" : String(facts.deployment),
  };
}
