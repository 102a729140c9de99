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
import { retireStep } from "./retire.js";
import { stageStep } from "./stage.js";
import { startStep } from "./start.js";
import { stopOldStep } from "./stop-old.js";
import { switchStep } from "./switch.js";
import { syncStep } from "./sync.js";
import type { Step } from "./types.js";
import { verifyStep } from "./verify.js";

/**
 * Blue-green: the live color serves until the switch. Stop-first: the new site is checked (preflight) and staged
 * before the old color stops, and the backup runs while it is stopped; stop-old's undo starts it again.
 * `split` (the load-balancer layout): sync points between the app hosts' and the nginx hosts' steps (splitSteps).
 */
export function hostSteps(stopFirst: boolean, split = false): Step[] {
  const before = stopFirst
    ? [lockStep, reconcileStep, preflightStep, certificateStep, stageStep, stopOldStep, backupStep]
    : [lockStep, reconcileStep, preflightStep, certificateStep, backupStep, stageStep];
  if (split) return splitSteps(before);
  return [
    ...before,
    startStep,
    gateStep,
    previewStep,
    beforeSwitchStep,
    switchStep,
    verifyStep,
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
function splitSteps(before: Step[]): Step[] {
  return [
    ...before,
    startStep,
    gateStep,
    beforeSwitchStep,
    syncStep("gated"),
    previewStep,
    switchStep,
    verifyStep,
    syncStep("switched"),
    afterSwitchStep,
    syncStep("after-switch"),
    recordStep,
    retireStep,
  ];
}

export type { FlowState, Step, StepResult } from "./types.js";
