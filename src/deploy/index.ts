/** Blue-green deploy and rollback: the public surface. */

export { type LockHolder, readLockHolder, releaseLockHeldBy } from "../lock/lock.js";
export { type CleanupOptions, type CleanupResult, cleanupAfterCancel } from "./cleanup.js";
export { deploy, rollback } from "./deploy.js";
export type { DeployEvent, DeployEventSink, StepEvent } from "./events.js";
export { releaseId } from "./release-id.js";
export type {
  DeployOptions,
  DeployResult,
  HostResult,
  HostStatus,
  ReleaseRecord,
  RollbackOptions,
} from "./types.js";
