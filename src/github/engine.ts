/**
 * The one place the action calls the deploy engine (src/deploy): plan is a deploy in check mode, rollback goes to
 * `release` (default: the previous one).
 */
import type { SlipwayConfig } from "../config/schema.js";
import type { DeployEventSink } from "../deploy/events.js";
import { deploy, rollback } from "../deploy/index.js";
import type { DeployOptions, DeployResult, RollbackOptions } from "../deploy/types.js";

export interface EngineRun {
  command: "deploy" | "plan" | "rollback";
  config: SlipwayConfig;
  environment?: string;
  release?: string;
  restoreDb: boolean;
  commit?: string;
  limit: string[];
  images?: Record<string, string>;
  versionEnv: Record<string, string>;
  forceUnlock: boolean;
  lockWaitSeconds?: number;
  /** Who deploys, as the lock holder and releases.json record it. */
  actor: string;
  /** `${GITHUB_RUN_ID}-${GITHUB_RUN_ATTEMPT}`: the lock owner the post step releases. */
  runId: string;
  secrets: Record<string, string>;
  /** Every line and step of the run (the action prints and summarises from these; no text reporter). */
  onEvent: DeployEventSink;
}

export type Engine = (run: EngineRun) => Promise<DeployResult>;

export const deployEngine: Engine = (run) => {
  const common = {
    config: run.config,
    environment: run.environment,
    secrets: run.secrets,
    restoreDb: run.restoreDb,
    limit: run.limit.length > 0 ? run.limit : undefined,
    forceUnlock: run.forceUnlock,
    lockWaitSeconds: run.lockWaitSeconds,
    actor: run.actor,
    onEvent: run.onEvent,
    runId: run.runId,
  };
  if (run.command === "rollback") {
    const options: RollbackOptions = { ...common, to: run.release };
    return rollback(options);
  }
  const options: DeployOptions = {
    ...common,
    commit: run.commit,
    check: run.command === "plan",
    versionEnv: run.versionEnv,
    ...(run.images ? { images: run.images } : {}),
  };
  return deploy(options);
};
