/**
 * backup: the database dump before anything changes (blue-green: the live color's writers paused meanwhile; stop-first:
 * after the old color stopped). Its undo restores the dump only when users were switched to the new release and the
 * config or `--restore-db` asks for it (the new code may have written to the database).
 */
import { backupBeforeChange, prepareDatabaseDir, restoreBeforeRelease } from "../backup-step.js";
import { withProgress } from "../progress.js";
import { progressOf } from "./progress.js";
import type { Step } from "./types.js";

export const backupStep: Step = {
  name: "backup",
  async plan(s) {
    if (s.run.kind === "deploy" && s.run.config.database && s.role.services.length > 0) s.say("  back up the database");
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
      backupBeforeChange(host, config, spec, releaseId, writers, s.say, s.live.release),
    );
    if (!s.backup) return { status: "skipped", message: "nothing to back up yet" };
    s.say(`backed up the database${s.stopFirst ? " while stopped" : ""}: ${s.backup}`);
    return { status: "changed", data: { backup: s.backup } };
  },
  async undo(s) {
    const { host, config, restoreDb } = s.run;
    if (!s.backup || !s.spec || !s.liveColor || !s.switched) return "nothing";
    if (!restoreDb && !config.database?.restore_on_rollback) return "nothing";
    await restoreBeforeRelease(
      host,
      config,
      s.spec,
      s.backup,
      s.live.release ?? s.run.releaseId,
      s.writersOf(s.liveColor),
      s.say,
    );
    s.say(`restored the database from ${s.backup}`);
    s.undoNotes.push(`restored the database from ${s.backup}`);
    return undefined;
  },
};
