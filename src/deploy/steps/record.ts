/**
 * record: `current` and `color` point at the new release and the history says it is deployed (a rollback marks the
 * release it left as rolled back). From here the release stays: later failures no longer switch back. The new color is
 * the one that comes back after a reboot, the other one is not (runtime.bootColor; a rollback the same way back).
 */
import { runConfigHash } from "../config-hash.js";
import { withRecord } from "../history.js";
import { recordLive } from "../host-state.js";
import { otherColor } from "../release-id.js";
import type { ReleaseRecord } from "../types.js";
import { startDrain } from "./retire.js";
import type { FlowState, Step } from "./types.js";

/** The history entry of this run's release with `result` (also the `failed` record written after a failed run). */
export function releaseRecord(s: FlowState, result: ReleaseRecord["result"]): ReleaseRecord {
  const { run } = s;
  return {
    id: run.releaseId,
    commit: run.commit,
    images: run.images,
    ...(s.backup ? { backup: s.backup } : {}),
    time: new Date().toISOString(),
    actor: run.actor,
    result,
    color: s.idle,
    ...(run.environment ? { environment: run.environment } : {}),
    env: run.env,
    fingerprint: s.fingerprint,
    config_hash: runConfigHash(run.config),
    units: run.runtime.names(s.idle),
  };
}

export const recordStep: Step = {
  name: "record",
  commits: true,
  async plan(s) {
    const { runtime } = s.run;
    if (!runtime.bootColor || s.role.services.length === 0) return;
    const idle = otherColor(s.idle);
    s.say(`  at boot: start ${runtime.names(s.idle).join(", ")}, not ${runtime.names(idle).join(", ")}`);
  },
  async run(s) {
    const { host, kind, releaseId, actor } = s.run;
    if (kind === "rollback") {
      const from = s.history.releases.find((r) => r.id === s.live.release);
      if (from) s.history = withRecord(s.history, { ...from, result: "rolled-back" });
      const to = s.history.releases.find((r) => r.id === releaseId);
      s.history = withRecord(s.history, {
        ...(to ?? releaseRecord(s, "deployed")),
        result: "deployed",
        color: s.idle,
        // The units follow the color (D52): the record kept those of its first deploy on the other color, and the
        // next deploy then named the live container a leftover to stop by hand.
        units: s.run.runtime.names(s.idle),
        // It runs with today's services and proxy from now on (D75).
        config_hash: runConfigHash(s.run.config),
        time: new Date().toISOString(),
        actor,
      });
    } else {
      s.history = withRecord(s.history, releaseRecord(s, "deployed"));
    }
    // The old color's drain starts now (retire waits for it): the switch is verified, and it only reads `ss`.
    startDrain(s);
    // The history, current and color, then the intent removed, in one round trip: a run killed before the removal
    // is still reconciled by the next one.
    await recordLive(host, s.paths, { releaseId, color: s.idle, history: s.history });
    // After the record: were enabling to fail, the release is still live and recorded, the error names the units.
    if (s.role.services.length > 0) await s.run.runtime.bootColor?.(s.idle, otherColor(s.idle));
    return { status: "changed", data: { release: releaseId, color: s.idle } };
  },
};
