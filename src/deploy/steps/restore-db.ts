/**
 * `rollback --restore-db` (D66): the restore happens while no release writes. maintenance-on: every nginx host answers
 * 503 with Retry-After (the `slipway maintenance` page). restore: the live color's writers stop, the data they wrote
 * is kept as a pre-restore backup named after the release being left, the backup taken before that release is
 * restored. Then the old release starts on the restored data, is gated, switched to and verified (behind the page:
 * verify passes it with the host's bypass token), and maintenance-off removes the page. On a failure the undos run in
 * reverse: the pre-restore backup is put back, the live color's writers start again, the page goes off.
 */

import { runWriters, stopWriters } from "../../backup/create.js";
import type { ExecContext } from "../../backup/exec.js";
import { restoreBackup } from "../../backup/index.js";
import { DEFAULT_RETRY_AFTER_SECONDS } from "../../render/nginx-maintenance.js";
import { maintenanceOnHost, runPageOn } from "../maintenance.js";
import { withProgress } from "../progress.js";
import { progressOf } from "./progress.js";
import { restoring } from "./restoring.js";
import type { FlowState, Step } from "./types.js";

export { restoring } from "./restoring.js";

/** The backup recorded with the release being left (taken before it was deployed), if any. */
export function backupToRestore(s: FlowState): string | undefined {
  return s.live.history.releases.find((r) => r.id === s.live.release)?.backup;
}

/** This host shows the page: it runs the nginx site (not under proxy.mode internal, which has no page). */
function showsPage(s: FlowState): boolean {
  return s.role.switches && s.run.config.proxy.mode !== "internal";
}

/** A host running services with no backup to restore changes nothing; an nginx-only host cannot tell, so it pages. */
function nothingToRestore(s: FlowState): boolean {
  return s.role.services.length > 0 && backupToRestore(s) === undefined;
}

/**
 * The plan's lines for the restore (the one irreversible action, so the user confirming the plan must see it): which
 * backup, taken before which release, what is lost, and where the writes since are kept.
 */
export function restorePlanLines(s: FlowState): string[] {
  if (!restoring(s) || s.role.services.length === 0) return [];
  const from = backupToRestore(s);
  const left = s.live.release ?? "the live release";
  if (!from) return [`  no backup recorded with ${left}: database left as is`];
  const writers = s.liveColor ? `stop ${s.run.runtime.names(s.liveColor).join(", ")}, ` : "";
  return [
    `  ${writers}back up the database as it is (pre-restore backup named after ${left}), restore backup ${from}`,
    `  lost from the database: every write since backup ${from} (taken before ${left} was deployed); kept in the pre-restore backup (their ids may be handed out again)`,
  ];
}

export const maintenanceOnStep: Step = {
  name: "maintenance-on",
  async plan(s) {
    if (!restoring(s) || !showsPage(s) || nothingToRestore(s)) return;
    s.say(
      `  downtime: maintenance page (503, Retry-After ${DEFAULT_RETRY_AFTER_SECONDS}s) from before the restore until ${s.idle} is switched to and verified (restore, start, gate)`,
    );
  },
  async run(s) {
    if (!restoring(s) || !showsPage(s) || nothingToRestore(s)) return { status: "skipped" };
    s.maintenanceSet = await runPageOn(s.run.config, s.run.host, s.run.runId, s.say);
    return { status: s.maintenanceSet ? "changed" : "ok" };
  },
  async undo(s) {
    if (!s.maintenanceSet) return "nothing";
    await maintenanceOnHost(s.run.config, s.run.host, "off");
    s.maintenanceSet = false;
    s.undoNotes.push("maintenance page off");
    return undefined;
  },
};

export const maintenanceOffStep: Step = {
  name: "maintenance-off",
  async plan(s) {
    if (restoring(s) && showsPage(s) && !nothingToRestore(s)) s.say("  maintenance page off once verified");
  },
  async run(s) {
    if (!s.maintenanceSet) return { status: "skipped" };
    await maintenanceOnHost(s.run.config, s.run.host, "off");
    s.maintenanceSet = false;
    s.say("maintenance page off");
    return { status: "changed" };
  },
};

function restoreContext(s: FlowState): ExecContext {
  return { host: s.run.host, become: true, step: "restore", log: s.say };
}

/** Puts back the pre-restore backup (the live release's data), reporting it for the failure's hint. */
async function putBack(s: FlowState, id: string): Promise<void> {
  const { host, config } = s.run;
  const database = s.spec;
  if (!database) return;
  const release = s.live.release ?? s.run.releaseId;
  await restoreBackup({ host, deployDir: config.deploy_dir, database, release, id, step: "restore", log: s.say });
  s.undoNotes.push(`put the database back as it was before the restore (backup ${id})`);
}

export const restoreStep: Step = {
  name: "restore",
  async plan(s) {
    for (const line of restorePlanLines(s)) s.say(line);
  },
  async run(s) {
    if (!restoring(s) || s.role.services.length === 0) return { status: "skipped" };
    const id = backupToRestore(s);
    if (!id) {
      s.say(`no backup recorded with ${s.live.release ?? "the live release"}: database left as is`);
      return { status: "skipped" };
    }
    const { host, config } = s.run;
    const database = s.spec;
    if (!database) return { status: "skipped" };
    if (s.liveColor) {
      s.writersStopped = true;
      await stopWriters(restoreContext(s), s.writersOf(s.liveColor), `stop ${s.liveColor}'s writers for the restore`);
    }
    // The pre-restore backup holds the data of the release being left: it is named after that release.
    const release = s.live.release ?? s.run.releaseId;
    const job = { host, deployDir: config.deploy_dir, database, release, id, step: "restore", log: s.say };
    await withProgress(progressOf(s), `restoring the database from ${id}`, () =>
      restoreBackup(job, (taken) => {
        s.preRestore = taken.id;
      }),
    );
    s.say(`restored the database from ${id}; the data before it is backup ${s.preRestore}`);
    return { status: "changed", data: { restored: id, preRestore: s.preRestore } };
  },
  async undo(s) {
    if (!s.writersStopped && !s.preRestore) return "nothing";
    if (s.preRestore) await putBack(s, s.preRestore);
    if (s.writersStopped && s.liveColor) {
      await runWriters(restoreContext(s), s.writersOf(s.liveColor).start, `start ${s.liveColor}'s writers again`);
      s.undoNotes.push(`started ${s.liveColor}'s writers again`);
    }
    s.writersStopped = false;
    return undefined;
  },
};
