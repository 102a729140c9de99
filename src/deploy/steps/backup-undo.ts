/**
 * What a deploy does with the database when it fails once its new color started (D72). Blue-green starts the new
 * color against the live database, so a release that migrates at start has changed the live data before the gate or
 * the preview can refuse it. With `--restore-db` / `database.restore_on_rollback` the backup step's undo restores the
 * pre-deploy backup: the live color's writers stopped and, on a host running the nginx site, users on the maintenance
 * page meanwhile (as `rollback --restore-db` does: restore-db.ts). Without it the failure names the backup and the
 * command that restores it instead of calling the live color untouched.
 */
import { restoreBackup } from "../../backup/index.js";
import type { Color } from "../../config/index.js";
import { maintenanceOnHost, runPageOn } from "../maintenance.js";
import { withProgress } from "../progress.js";
import { waitColorHealthy } from "./color-health.js";
import { progressOf } from "./progress.js";
import type { FlowState } from "./types.js";

/** `2026-12-01T03:08:18Z`: a moment in messages (UTC, to the second). */
export function clock(at: Date): string {
  return at.toISOString().replace(/\.\d+Z$/, "Z");
}

/** What asks this deploy to restore its backup on a failure (`--restore-db` first), or null: it does not. */
export function restoreReason(s: FlowState): string | null {
  if (s.run.kind !== "deploy") return null;
  if (s.run.restoreDb) return "--restore-db";
  return s.run.config.database?.restore_on_rollback ? "database.restore_on_rollback" : null;
}

/** The live color serves while the backup is restored (stop-first stopped it before the backup): users get the page. */
function pages(s: FlowState): boolean {
  return !s.stopFirst && s.role.switches && s.run.config.proxy.mode !== "internal";
}

/**
 * The backup step's plan lines: the backup, and with something live which of the two a failure after the new color
 * started brings (the restore, or the database left as the new release left it).
 */
export function backupPlanLines(s: FlowState): string[] {
  if (s.run.kind !== "deploy" || !s.run.config.database || s.role.services.length === 0) return [];
  if (!s.liveColor) return ["  back up the database"];
  const reason = restoreReason(s);
  if (!reason) {
    return [
      "  back up the database",
      `  on a failure once ${s.idle} has started: the database stays as ${s.idle} left it (it runs against the live database; database.restore_on_rollback is off); the failure names the backup to restore`,
    ];
  }
  const writers = s.stopFirst ? "" : `, ${s.run.runtime.names(s.liveColor).join(", ")} stopped meanwhile`;
  const page = pages(s) ? " behind the maintenance page" : "";
  return [
    "  back up the database",
    `  on a failure once ${s.idle} has started (gate, preview, before_switch or after the switch): restore that backup (${reason})${writers}${page}; the writes since the backup are lost`,
  ];
}

/** The maintenance page on for the restore; whether this put it on (off again after). A site without it: no page. */
async function pageOn(s: FlowState): Promise<boolean> {
  if (!pages(s)) return false;
  try {
    return await runPageOn(s.run.config, s.run.host, s.run.runId, s.say);
  } catch (e) {
    s.say(`restoring without the maintenance page: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }
}

/**
 * After the restore the live color's writers were started again: its HTTP services answer their health check before
 * the page goes off (else users would get nginx's bare 502 while they boot). One that does not is said, not thrown:
 * the restore is done, and the failure being undone is the one to report.
 */
async function waitLive(s: FlowState): Promise<void> {
  const color = s.liveColor;
  // Stop-first: the live color is still stopped here; stop-old's undo starts it and waits the same way.
  if (!color || s.stopFirst) return;
  for (const { name, last } of await waitColorHealthy(s, color)) {
    s.say(`${name} on ${color} is not healthy after the restore: ${last}`);
  }
}

/**
 * The backup step's undo: restores this deploy's backup when asked to (restoreReason) and the new color started (or
 * users were switched to it), under the page. Resolves "nothing" when it does not apply. The data as the failed
 * release left it is kept as a pre-restore backup (restoreBackup), named after the live release.
 */
export async function restoreOnFailure(s: FlowState): Promise<"nothing" | undefined> {
  const { host, config, releaseId } = s.run;
  const id = s.backup;
  const database = s.spec;
  if (!restoreReason(s) || !id || !database || !s.liveColor) return "nothing";
  if (!s.switched && !s.startedAt) return "nothing";
  const writers = s.stopFirst ? {} : { writers: s.writersOf(s.liveColor) };
  const paged = await pageOn(s);
  let pre: string | undefined;
  try {
    const job = { host, deployDir: config.deploy_dir, database, ...writers, id, step: "restore", log: s.say };
    await withProgress(progressOf(s), `restoring the database from ${id}`, () =>
      restoreBackup({ ...job, release: s.live.release ?? releaseId }, (taken) => {
        pre = taken.id;
      }),
    );
    // Said at once: a page that fails to go off after this is reported beside it, not instead of it.
    s.restoredBackup = id;
    const since = s.backupAt ? clock(s.backupAt) : "the backup";
    const note = `restored the database from backup ${id} (taken before this deploy): writes made since ${since} are lost`;
    s.say(`${note}; the data before the restore is backup ${pre}`);
    s.undoNotes.push(`${note} (the data before the restore is backup ${pre})`);
    await waitLive(s);
  } finally {
    if (paged) {
      await maintenanceOnHost(config, host, "off");
      s.say("maintenance page off");
    }
  }
  return undefined;
}

/**
 * What a run that failed before its new color started leaves: the failure's words (host-flow.ts failureError), also
 * the plan's refusals' (nginx stopped), so a plan and a run say the same.
 */
export function untouchedNote(liveColor: Color | null): string {
  return liveColor ? `the live color ${liveColor} is untouched` : "nothing was live before";
}

/**
 * The failure's line about the database when the new color started against it and nothing restored it (undefined
 * otherwise: the live color is untouched): since when, and the exact command that restores the pre-deploy backup.
 */
export function unrestoredNote(s: FlowState): string | undefined {
  if (s.run.kind !== "deploy" || !s.spec || !s.liveColor || !s.startedAt || s.restoredBackup) return undefined;
  const ran = `the new release ran against the live database from ${clock(s.startedAt)}`;
  if (!s.backup) return ran;
  const changes = s.switched ? "if it changed data" : "if it changes data at start";
  return `${ran}; ${changes}, restore the pre-deploy backup: slipway backup restore ${s.backup} --host ${s.run.host.name}`;
}
