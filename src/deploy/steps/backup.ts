/**
 * backup: the database dump before anything changes (blue-green: the live color's writers paused meanwhile; stop-first:
 * after the old color stopped). Its undo restores the dump when the config or `--restore-db` asks for it and the new
 * release started (it runs against the live database: a migration at start changes it before any check; D72) or
 * users were switched to it: backup-undo.ts.
 */
import { backupBeforeChange, prepareDatabaseDir } from "../backup-step.js";
import { withProgress } from "../progress.js";
import { backupPlanLines, restoreOnFailure } from "./backup-undo.js";
import { progressOf } from "./progress.js";
import type { Step } from "./types.js";

export const backupStep: Step = {
  name: "backup",
  async plan(s) {
    for (const line of backupPlanLines(s)) s.say(line);
  },
  async run(s) {
    const { host, config, user, kind, releaseId } = s.run;
    // The database is on the hosts running the services (not on an nginx-only host of a load-balancer layout).
    if (s.role.services.length === 0) return { status: "skipped" };
    await prepareDatabaseDir(host, config, user);
    if (kind !== "deploy" || !s.spec) return { status: "skipped" };
    const writers = s.stopFirst || !s.liveColor ? { stop: [], start: [] } : s.writersOf(s.liveColor);
    const spec = s.spec;
    s.backup = await withProgress(progressOf(s), `backing up the ${spec.engine} database`, () =>
      backupBeforeChange(host, config, spec, releaseId, writers, s.say, s.live.release, s.databaseFound),
    );
    if (!s.backup) return { status: "skipped", message: "nothing to back up yet" };
    s.backupAt = new Date();
    s.say(`backed up the database${s.stopFirst ? " while stopped" : ""}: ${s.backup}`);
    return { status: "changed", data: { backup: s.backup } };
  },
  async undo(s) {
    return restoreOnFailure(s);
  },
};
