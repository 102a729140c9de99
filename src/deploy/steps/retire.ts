/**
 * retire: once the old color has no connection left (or the drain limit passed) it stops (stop-first: already
 * stopped; a restoring rollback stopped its writers before the restore: restore-db.ts); releases, images and backups
 * beyond `keep` are pruned.
 */

import type { Color } from "../../config/index.js";
import { durationSeconds } from "../../render/from-config/common.js";
import { colorPorts, drainConnections, noDrainWarning } from "../drain.js";
import { withProgress } from "../progress.js";
import { otherColor } from "../release-id.js";
import { retireOld } from "../retire.js";
import { InterruptedError } from "../runner.js";
import { dropSocketLinks } from "../socket-links.js";
import { progressOf } from "./progress.js";
import type { FlowState, Step } from "./types.js";

export function drainSeconds(s: FlowState): number {
  return s.run.drainSeconds ?? durationSeconds(s.run.config.drain, "drain", 0);
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

/** The color retire will stop once drained; null when it drains none (stop-first, no live color, no services). */
function drainedColor(s: FlowState): Color | null {
  return s.liveColor && !s.stopFirst && s.role.services.length > 0 && drainSeconds(s) > 0 ? s.liveColor : null;
}

/**
 * Starts the old color's drain (record calls it beside its writes: the drain only reads `ss`, and the limit then
 * counts from nearer the switch) unless it runs already or retire will not drain. The outcome never rejects: a lost
 * connection counts as "could not tell", and retire's own commands report it.
 */
export function startDrain(s: FlowState): void {
  const old = drainedColor(s);
  if (!old || s.drain) return;
  const abort = new AbortController();
  const interrupt = s.run.interrupt?.signal;
  // Ends on either: retire no longer draining (abort) or the user's Ctrl-C (drainAndStop reports that one).
  const signal = interrupt ? AbortSignal.any([abort.signal, interrupt]) : abort.signal;
  const started = Date.now();
  const outcome = drainConnections(s.run.host, colorPorts(s.local, old), drainSeconds(s), signal).catch(() => ({
    ms: Date.now() - started,
    open: null,
  }));
  s.drain = { outcome, abort: () => abort.abort() };
}

/**
 * Ctrl-C during the drain: the release is live and recorded (nothing to undo); the old color keeps its open requests
 * and keeps running, which the next deploy replaces. Any other error is passed on as it is.
 */
function drainInterrupted(s: FlowState, old: Color, e: unknown): unknown {
  if (!s.run.interrupt?.reason) return e;
  return new InterruptedError(`the drain of ${old} stopped waiting`, {
    host: s.run.host.name,
    step: "retire",
    hint: `${old} (the previous release) still runs, nginx sends it no new request: the next deploy replaces it`,
  });
}

/** The old color stops once it has no connection left (at most the drain limit), bounded by stop_timeout. */
async function drainAndStop(s: FlowState, old: Color): Promise<void> {
  const { runtime } = s.run;
  const limit = drainSeconds(s);
  if (limit > 0) {
    startDrain(s);
    const started = s.drain?.outcome ?? Promise.resolve({ ms: 0, open: null });
    const drain = await withProgress(progressOf(s), `${old}: draining connections (at most ${limit}s)`, () => started);
    if (s.run.interrupt?.reason) throw drainInterrupted(s, old, s.run.interrupt.reason);
    const left = drain.open === null ? "" : drain.open === 0 ? ", no connection left" : `, ${drain.open} still open`;
    s.say(`drained ${old} in ${(drain.ms / 1000).toFixed(1)}s (limit ${limit}s${left})`);
  }
  await runtime.stop(old);
  s.say(`stopped ${old}`);
  await stopLeftovers(s, old);
}

export const retireStep: Step = {
  name: "retire",
  async plan(s) {
    if (s.role.switches) {
      const links = await dropSocketLinks(s.run.host, s.run.config, true);
      if (links.length > 0) s.say(`  ${linksLine(links)}`);
    }
    if (s.role.services.length === 0) return;
    if (s.liveColor && !s.stopFirst) {
      const limit = drainSeconds(s);
      const when = limit > 0 ? `once drained (at most ${limit}s)` : "right after the switch (drain 0s)";
      s.say(`  stop ${s.run.runtime.names(s.liveColor).join(", ")} ${when}`);
      const warning = noDrainWarning(s.local, limit, s.liveColor);
      if (warning) s.emitter.log(`  warning: ${warning}`, "warn");
      const left = leftoverUnits(s, s.liveColor);
      if (left.length > 0)
        s.say(`  stop ${left.join(", ")}: the previous release ran them, the config no longer names them`);
    }
  },
  async run(s) {
    const { host, releaseId } = s.run;
    // An nginx-only host of a load-balancer layout runs no color: nothing to stop, restore or prune.
    if (s.role.services.length === 0) return (await dropLinks(s)) ? { status: "changed" } : { status: "skipped" };
    const old = s.liveColor && !s.stopFirst ? s.liveColor : null;
    // Stop-first: stop-old already stopped the old color's units; a renamed service's are still ours to stop.
    const stopping = old ? drainAndStop(s, old) : s.liveColor ? stopLeftovers(s, s.liveColor) : Promise.resolve();
    const linked = s.live.history.releases.find((r) => r.id === s.live.release)?.id;
    // Pruning keeps the previous release (what the old color runs): it goes on while the old color stops.
    const [, history] = await Promise.all([
      stopping,
      retireOld({
        host,
        config: s.local,
        history: s.history,
        live: releaseId,
        previous: linked ?? null,
        delivered: s.delivered,
        say: s.say,
      }),
    ]);
    s.history = history;
    // After the drain: nginx's old workers, which reached the listeners through the links, are gone.
    await dropLinks(s);
    return { status: "changed" };
  },
};

function linksLine(links: readonly string[]): string {
  return `remove the socket switch's links ${links.join(", ")} (proxy.switch is reload now; the next deploy's reload drops the colors' listeners)`;
}

/** The socket switch's links a switch to `proxy.switch: reload` left (socket-links.ts); true when any was removed. */
async function dropLinks(s: FlowState): Promise<boolean> {
  if (!s.role.switches) return false;
  const links = await dropSocketLinks(s.run.host, s.run.config);
  if (links.length > 0) s.say(linksLine(links).replace(/^remove/, "removed"));
  return links.length > 0;
}
