/** Blue-green deploy and rollback: the public surface. */
export type {
  DeployOptions,
  DeployReporter,
  DeployResult,
  HostResult,
  HostStatus,
  ReleaseRecord,
  RollbackOptions,
} from "./types.js";
