/** Blue-green deploy and rollback: the public surface. */

export { deploy, rollback } from "./deploy.js";
export { releaseId } from "./release-id.js";
export type {
  DeployOptions,
  DeployReporter,
  DeployResult,
  HostResult,
  HostStatus,
  ReleaseRecord,
  RollbackOptions,
} from "./types.js";
