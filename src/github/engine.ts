/**
 * The one place the action calls the deploy engine (src/deploy): plan is a deploy in check mode, rollback goes to
 * `release` (default: the previous one).
 */
import type { SlipwayConfig } from "../config/schema.js";
import { deploy, rollback } from "../deploy/index.js";
import type { DeployResult } from "../deploy/types.js";

export interface EngineRun {
  command: "deploy" | "plan" | "rollback";
  config: SlipwayConfig;
  environment?: string;
  release?: string;
  restoreDb: boolean;
  commit?: string;
  secrets: Record<string, string>;
  reporter: (line: string) => void;
}

export type Engine = (run: EngineRun) => Promise<DeployResult>;

export const deployEngine: Engine = (run) => {
  const common = {
    config: run.config,
    environment: run.environment,
    secrets: run.secrets,
    reporter: run.reporter,
    restoreDb: run.restoreDb,
  };
  if (run.command === "rollback") return rollback({ ...common, to: run.release });
  return deploy({ ...common, commit: run.commit, check: run.command === "plan" });
};
