/** What one host's deploy or rollback is asked to do (built by deploy.ts, run by host-flow.ts). */
import type { SlipwayConfig } from "../config/index.js";
import type { RunOnce } from "../engine/run-once.js";
import type { Redactor } from "../remote/redact.js";
import type { RemoteHost } from "../remote/types.js";
import type { DeployEventSink } from "./events.js";
import type { LeftSwitch } from "./history.js";
import type { LiveState } from "./host-state.js";
import type { Interrupt } from "./interrupt.js";
import type { LayoutSync } from "./layout-sync.js";
import type { ColorRuntime } from "./runtime.js";

export interface HostRun {
  host: RemoteHost;
  user: string;
  config: SlipwayConfig;
  runtime: ColorRuntime;
  kind: "deploy" | "rollback";
  releaseId: string;
  commit: string;
  actor: string;
  environment?: string;
  env: Record<string, string>;
  images: Record<string, string>;
  secrets: Record<string, string>;
  releaseDir?: string;
  check: boolean;
  restoreDb: boolean;
  drainSeconds?: number;
  forceUnlock?: boolean;
  /** `--lock-wait` in seconds (0 or absent: a held lock fails the host at once). */
  lockWaitSeconds?: number;
  /** Recorded in the lock (run_id): only this run, or its cleanup after a cancel, releases the lock it took. */
  runId: string;
  /** Every event of the run, already redacted (deploy.ts wraps the caller's onEvent). */
  sink: DeployEventSink;
  /** The caller's redactor (DeployOptions.redactor); the run adds its secrets to it. */
  redactor?: Redactor;
  /** Set by the first SIGINT/SIGTERM/SIGHUP: no new step starts. */
  interrupt?: Interrupt;
  /** The load-balancer layout's sync points, shared by every host of the run (absent when hosts are alike). */
  layout?: LayoutSync;
  /**
   * A rollback only: the switch a killed run left that nginx follows (D82). The target is then the recorded live
   * release, run again although it is recorded live: reconcile puts nginx back, the rollback deploys it and says so.
   */
  leftSwitch?: LeftSwitch;
  /**
   * A rollback only: what is live as fleet.ts hostSpecific read it to find the target, a moment before the flow starts:
   * the flow starts from it instead of reading the same three files again (the reconcile reads them under the lock).
   */
  liveRead?: LiveState;
  /** The scope of the hooks' `run_once` tasks, shared by every host and batch of the run. */
  once?: RunOnce;
}
