/** The ordered step lists of a deploy and a rollback (docs/deploy.md "Steps"). */
import { backupStep } from "./backup.js";
import { certificateStep } from "./certificate.js";
import { gateStep } from "./gate.js";
import { afterSwitchStep, beforeSwitchStep } from "./hooks.js";
import { lockStep } from "./lock.js";
import { preflightStep } from "./preflight.js";
import { previewStep } from "./preview.js";
import { reconcileStep } from "./reconcile.js";
import { recordStep } from "./record.js";
import { maintenanceOffStep, maintenanceOnStep, restoreStep } from "./restore-db.js";
import { retireStep } from "./retire.js";
import { stageStep } from "./stage.js";
import { startStep } from "./start.js";
import { stopOldStep } from "./stop-old.js";
import { switchStep } from "./switch.js";
import { type SyncPoint, syncStep } from "./sync.js";
import type { Step } from "./types.js";
import { verifyStep } from "./verify.js";

/**
 * Blue-green: the live color serves until the switch. Stop-first: the new site is checked (preflight) and staged
 * before the old color stops, and the backup runs while it is stopped; stop-old's undo starts it again.
 * `split` (the load-balancer layout): sync points between the app hosts' and the nginx hosts' steps (splitSteps).
 * `restoring` (`rollback --restore-db`, D66): the maintenance page goes on before anything stops, the database is
 * restored while no release writes, and the page goes off once the old release is switched to and verified.
 */
export function hostSteps(stopFirst: boolean, split = false, restoring = false): Step[] {
  const sync = (point: SyncPoint): Step[] => (split ? [syncStep(point)] : []);
  const paging = restoring ? [maintenanceOnStep, ...sync("maintenance")] : [];
  const before = stopFirst
    ? [lockStep, reconcileStep, preflightStep, certificateStep, stageStep, ...paging, stopOldStep, backupStep]
    : [lockStep, reconcileStep, preflightStep, certificateStep, backupStep, stageStep, ...paging];
  const restore = restoring ? [restoreStep] : [];
  const reopen = restoring ? [maintenanceOffStep] : [];
  if (split) return splitSteps([...before, ...restore], reopen);
  return [
    ...before,
    ...restore,
    startStep,
    gateStep,
    previewStep,
    beforeSwitchStep,
    switchStep,
    verifyStep,
    ...reopen,
    afterSwitchStep,
    recordStep,
    retireStep,
  ];
}

/**
 * Every host runs the same list and skips the steps that are not its own (app hosts: backup to gate, the hooks,
 * retire; nginx hosts: preview, switch, verify); the sync points order them across hosts: every new color healthy
 * before any switch, every switch verified before the after_switch hooks, those done before anything is recorded.
 */
function splitSteps(before: Step[], reopen: Step[]): Step[] {
  return [
    ...before,
    startStep,
    gateStep,
    beforeSwitchStep,
    syncStep("gated"),
    previewStep,
    switchStep,
    verifyStep,
    ...reopen,
    syncStep("switched"),
    afterSwitchStep,
    syncStep("after-switch"),
    recordStep,
    retireStep,
  ];
}

export type { FlowState, Step, StepResult } from "./types.js";
