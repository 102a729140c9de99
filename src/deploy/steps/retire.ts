/**
 * retire: once the old color has no connection left (or the drain limit passed) it stops (stop-first: already
 * stopped); a rollback with --restore-db
 * restores the backup taken before the release it left; releases, images and backups beyond `keep` are pruned.
 */
import { type Color, colorPort } from "../../config/index.js";
import { probeAddress } from "../../config/layout.js";
import { SlipwayError } from "../../errors.js";
import { durationSeconds } from "../../render/from-config/common.js";
import { restoreBeforeRelease } from "../backup-step.js";
import { colorPorts, drainConnections } from "../drain.js";
import { gateArgs, healthGate } from "../health.js";
import { withProgress } from "../progress.js";
import { otherColor } from "../release-id.js";
import { retireOld } from "../retire.js";
import { progressOf } from "./progress.js";
import type { FlowState, Step } from "./types.js";

export function drainSeconds(s: FlowState): number {
  return s.run.drainSeconds ?? durationSeconds(s.run.config.drain, "drain", 0);
}

/** Health gate of every service of the live color after a restore restarted them; throws when one stays unhealthy. */
async function gateAfterRestore(s: FlowState): Promise<void> {
  for (const [name, service] of Object.entries(s.local.services)) {
    // Accessories are not in the colors; a worker (no port) has no HTTP to answer (the deploy's gate watched it run).
    if (service.accessory || service.port === undefined) continue;
    const address = probeAddress(s.run.config, name, s.run.host.name);
    const args = gateArgs(name, service, colorPort(service, s.idle), address);
    const gate = await healthGate(s.run.host, args, undefined, s.run.interrupt?.signal);
    if (!gate.ok) {
      throw new SlipwayError(`${name} (${s.idle}) is unhealthy after the database restore: ${gate.last}`, {
        host: s.run.host.name,
        step: "restore",
        hint: `see the logs of ${s.run.runtime.names(s.idle).join(", ")} on the host`,
      });
    }
  }
}

/**
 * Units the release being left ran (its record's `units`) that the config no longer names on either color: a renamed
 * or dropped service. Never a unit of this app's blue or green (a record whose units lag its color must not name the
 * live one: D52). Empty for a record written before units were recorded.
 */
export function leftoverUnits(s: FlowState, old: Color): string[] {
  const record = s.live.history.releases.find((r) => r.id === s.live.release);
  const current = new Set([...s.run.runtime.names(old), ...s.run.runtime.names(otherColor(old))]);
  return (record?.units ?? []).filter((u) => !current.has(u));
}

/** Stops the leftover units (or, for a runtime that cannot stop by name, says what is left to stop by hand). */
async function stopLeftovers(s: FlowState, old: Color): Promise<void> {
  const left = leftoverUnits(s, old);
  if (left.length === 0) return;
  if (!s.run.runtime.stopNames) {
    s.say(`still running from the previous release, no longer in the config: ${left.join(", ")} (stop them by hand)`);
    return;
  }
  await s.run.runtime.stopNames(left);
  s.say(`stopped ${left.join(", ")}: the previous release ran them, the config no longer names them`);
}

/** The old color stops once it has no connection left (at most the drain limit), bounded by stop_timeout. */
async function drainAndStop(s: FlowState, old: Color): Promise<void> {
  const { host, runtime } = s.run;
  const limit = drainSeconds(s);
  if (limit > 0) {
    const drain = await withProgress(progressOf(s), `${old}: draining connections (at most ${limit}s)`, () =>
      drainConnections(host, colorPorts(s.local, old), limit),
    );
    const left = drain.open === null ? "" : drain.open === 0 ? ", no connection left" : `, ${drain.open} still open`;
    s.say(`drained ${old} in ${(drain.ms / 1000).toFixed(1)}s (limit ${limit}s${left})`);
  }
  await runtime.stop(old);
  s.say(`stopped ${old}`);
  await stopLeftovers(s, old);
}

/**
 * The plan's line for `rollback --restore-db` (the one irreversible action, so the user confirming the plan must see
 * it): which backup, taken before which release, and that writes since are lost. Undefined when no restore is asked.
 */
export function restorePlanLine(s: FlowState): string | undefined {
  if (s.run.kind !== "rollback" || !s.run.restoreDb || !s.spec) return undefined;
  const from = s.live.history.releases.find((r) => r.id === s.live.release);
  if (!from?.backup) return `  no backup recorded with ${s.live.release ?? "the live release"}: database left as is`;
  return `  restore the database from backup ${from.backup} (taken before ${from.id} was deployed): writes since then are lost`;
}

export const retireStep: Step = {
  name: "retire",
  async plan(s) {
    if (s.role.services.length === 0) return;
    if (s.liveColor && !s.stopFirst) {
      const limit = drainSeconds(s);
      const when = limit > 0 ? `once drained (at most ${limit}s)` : "right after the switch (drain 0s)";
      s.say(`  stop ${s.run.runtime.names(s.liveColor).join(", ")} ${when}`);
      const left = leftoverUnits(s, s.liveColor);
      if (left.length > 0)
        s.say(`  stop ${left.join(", ")}: the previous release ran them, the config no longer names them`);
    }
    const restore = restorePlanLine(s);
    if (restore) s.say(restore);
  },
  async run(s) {
    const { host, config, kind, restoreDb, releaseId } = s.run;
    // An nginx-only host of a load-balancer layout runs no color: nothing to stop, restore or prune.
    if (s.role.services.length === 0) return { status: "skipped" };
    const old = s.liveColor && !s.stopFirst ? s.liveColor : null;
    // Stop-first: stop-old already stopped the old color's units; a renamed service's are still ours to stop.
    const stopping = old ? drainAndStop(s, old) : s.liveColor ? stopLeftovers(s, s.liveColor) : Promise.resolve();
    if (kind === "rollback" && restoreDb && s.spec) {
      await stopping;
      const from = s.live.history.releases.find((r) => r.id === s.live.release);
      if (from?.backup) {
        await restoreBeforeRelease(host, config, s.spec, from.backup, releaseId, s.writersOf(s.idle), s.say);
        s.say(`restored the database from ${from.backup}`);
        await gateAfterRestore(s);
      } else s.say("no backup recorded with the release rolled back from: database left as is");
    }
    const linked = s.live.history.releases.find((r) => r.id === s.live.release)?.id;
    // Pruning keeps the previous release (what the old color runs): it goes on while the old color stops.
    const [, history] = await Promise.all([
      stopping,
      retireOld({ host, config: s.local, history: s.history, live: releaseId, previous: linked ?? null, say: s.say }),
    ]);
    s.history = history;
    return { status: "changed" };
  },
};
