/**
 * A deploy step (DESIGN.md "The deploy, step by step"): `plan` says what `run` would do (check mode), `run` does it,
 * `undo` puts back what `run` changed. The runner (../runner.ts) runs the list in order and, on a failure or an
 * interruption, runs the undos of every step that started, newest first.
 */

import type { DatabaseSpec, Writers } from "../../backup/types.js";
import type { Color, SlipwayConfig } from "../../config/index.js";
import type { HostRole } from "../../config/layout.js";
import { type ErrorContext, SlipwayError } from "../../errors.js";
import type { FileChange } from "../../install/validated.js";
import type { ExecResult } from "../../remote/types.js";
import type { DatabaseFinding } from "../backup-step.js";
import type { DrainOutcome } from "../drain.js";
import type { HostEmitter } from "../emitter.js";
import type { ReleaseHistory } from "../history.js";
import type { HostRun } from "../host-run.js";
import type { LiveState } from "../host-state.js";
import type { LockedReads } from "../lock-ahead.js";
import type { MaintenanceBypass } from "../maintenance-bypass.js";
import type { PublicAnswer } from "../nginx.js";
import type { DeployPaths } from "../paths.js";

/** What the steps of one host's run share: read at the start, filled in as steps run. */
export interface FlowState {
  readonly run: HostRun;
  /** The config with only the services this host runs (`services.*.hosts`); `run.config` has them all (nginx). */
  readonly local: SlipwayConfig;
  /** What this host does: run services, run the switch (config/layout.ts). */
  readonly role: HostRole;
  readonly paths: DeployPaths;
  /** What was live when read (again under the lock after another run held it: live-check.ts replanUnderLock). */
  live: LiveState;
  /** The live color (reconcile may correct it from what nginx serves) and the one this run deploys to. */
  liveColor: Color | null;
  idle: Color;
  readonly fingerprint: string;
  readonly url: string | undefined;
  readonly spec: DatabaseSpec | null;
  /** Stop-first with a live color: the old color stops before the new one starts. */
  readonly stopFirst: boolean;
  /** One line for people, attributed to the running step. */
  say(line: string): void;
  /** A line printed without the host prefix (log tails, hook output). */
  raw(line: string): void;
  /** Where step events, diffs and lines go for this host. */
  readonly emitter: HostEmitter;
  /** The host's maintenance bypass token as this run knows it (read once, made by the switch). */
  readonly bypass: MaintenanceBypass;
  /** Stop/start commands of a color's database writers (through sudo). */
  writersOf(color: Color): Writers;
  history: ReleaseHistory;
  /** The stage put an image onto the host (StageResult.delivered; undefined: not staged, or the runtime cannot tell). */
  delivered?: boolean;
  backup: string | null;
  /**
   * Preflight's finding on the database (backup-step.ts checkDatabasePresent), under the lock: the backup step takes it
   * instead of asking the host again (three commands, two of them docker's, for a database in a volume).
   */
  databaseFound?: DatabaseFinding;
  /** When this deploy's backup was taken: the writes since are what restoring it loses (backup-undo.ts). */
  backupAt?: Date;
  /**
   * When the new color was asked to start: from then on it may have changed the shared database (a migration at
   * start), so a failure before the switch is no longer "untouched" (backup-undo.ts). Unset again when the start was
   * refused before anything ran (a port taken).
   */
  startedAt?: Date;
  /** The backup undo restored this deploy's backup (the failure's hint then says so instead of naming it). */
  restoredBackup?: string;
  /** The site files the certificate step installed for the ACME challenge, as they were before (for its undo). */
  certificateSiteChanges?: FileChange[];
  /**
   * The site files the preview's setup and the switch changed, each with its content before the first of them: the
   * undo that runs first puts them back (steps/site-back.ts, D84).
   */
  siteChanges?: FileChange[];
  /** Set by steps as they change things, read by later undos. */
  oldStopped: boolean;
  /** The switch intent is on the host (written beside the preview's check, else by the switch). */
  intentWritten?: boolean;
  switched: boolean;
  /** A restoring rollback put the maintenance page on (it was off): maintenance-off or the undo removes it. */
  maintenanceSet?: boolean;
  /** A restoring rollback stopped the live color's writers; `preRestore`: the backup of the data before the restore. */
  writersStopped?: boolean;
  preRestore?: string;
  /** What the undos did, for the failure's hint ("switched back to green"). */
  undoNotes: string[];
  /** The release asked for, found live once the lock was held (another run deployed it): the run ends there. */
  sameAfterLock: string | null;
  /** The lock was held when this run asked for it: the lock step read the host again (replanUnderLock). */
  lockWaited?: boolean;
  /** The lock taken while the plan read the host, with the reads made under it (lock-ahead.ts); null: not taken. */
  lockAhead?: Promise<LockedReads | null>;
  /**
   * Preflight's plan-time privilege check, started once the host's first reads say a plan follows that may change it
   * (host-flow.ts prepareHost, prepare-looks.ts).
   */
  privilegeCheck?: Promise<void>;
  /** The lock step took over the lock taken ahead (its `always` releases it): no one else releases it. */
  lockHanded?: boolean;
  /**
   * Preflight's `nginx -t`, started beside the reconcile's reads under the lock (it does not depend on them: one round
   * trip less before the stage); preflight judges it. Unset when it was not started early or reconcile changed nginx.
   */
  nginxTest?: Promise<ExecResult>;
  /** The read of other nginx sites serving this site's names (deploy/name-conflicts.ts): its stdout, started with `nginxTest`. */
  nameConflicts?: Promise<string>;
  /** systemd's `ActiveState=`/`SubState=` lines of nginx (deploy/nginx-running.ts), started with `nginxTest`. */
  nginxUnit?: Promise<string[]>;
  /** The switch's last answer through the server block users reach (its confirmation): verify's for that route. */
  switchAnswer?: PublicAnswer;
  /** The preview's setup (site installed, preview link on the idle color), started by the gate while it polls. */
  previewSetup?: Promise<unknown>;
  /**
   * The old color's drain, started by record beside its writes (the switch is verified; the drain only watches `ss`)
   * and awaited by retire; `abort` ends it when retire does not run (record failed, an interrupt before retire).
   */
  drain?: { outcome: Promise<DrainOutcome>; abort(): void };
}

/** A step's failure with facts for its `failed` event's `data` (a failed gate's log lines, per process). */
export class StepFailure extends SlipwayError {
  constructor(
    message: string,
    context: ErrorContext,
    readonly data: Record<string, unknown>,
  ) {
    super(message, context);
  }
}

/** What a step's run reports: `ok` (nothing needed doing), `changed`, `skipped` (does not apply to this run). */
export interface StepResult {
  status: "ok" | "changed" | "skipped";
  message?: string;
  data?: Record<string, unknown>;
  /** Nothing is left to do: no later step runs (the `always` parts do). */
  done?: boolean;
}

export interface Step {
  /** The step's name in events and docs/deploy.md. */
  readonly name: string;
  /** Check mode: say what run would do (may read the host, never changes it). */
  plan?(state: FlowState): Promise<void>;
  run(state: FlowState): Promise<StepResult>;
  /**
   * Undo what run changed (also after run failed part way: must be safe to call then). Resolves "nothing" when
   * there was nothing to undo (no `undone` event then).
   */
  undo?(state: FlowState): Promise<"nothing" | undefined>;
  /** Runs at the end whatever happened (the lock's release). Its error is reported beside the result. */
  always?(state: FlowState): Promise<void>;
  /** Once this step succeeded the release is committed: earlier undos no longer run on a later failure. */
  readonly commits?: boolean;
}
