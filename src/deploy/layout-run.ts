/**
 * A run over the load-balancer layout (config/layout.ts isSplitLayout): the hosts are not alike, so they deploy
 * together rather than in batches: one color for all of them (what the nginx hosts serve), one decision whether
 * anything changes, and the sync points of layout-sync.ts between the app hosts' and the nginx hosts' steps.
 */
import type { ResolvedHost } from "../config/index.js";
import { UsageError } from "../errors.js";
import type { Connected } from "./connect.js";
import type { PreparedHost } from "./host-flow.js";
import { LayoutSync } from "./layout-sync.js";
import { servedColor } from "./nginx.js";
import { otherColor } from "./release-id.js";
import type { HostResult } from "./types.js";

/**
 * Refuses a `--limit` that leaves out hosts of the layout (a UsageError, before anything connects): app hosts
 * without their nginx hosts would start a color nobody switches to, and nginx hosts without their app hosts would
 * switch to a color that does not run.
 */
export function requireWholeLayout(all: readonly ResolvedHost[], chosen: readonly ResolvedHost[]): void {
  if (chosen.length === all.length) return;
  const left = all.filter((h) => !chosen.some((c) => c.name === h.name)).map((h) => h.name);
  throw new UsageError(`--limit leaves out ${left.join(", ")} of the load-balancer layout`, {
    hint: "its nginx hosts and app hosts deploy together (proxy.hosts, services.*.hosts): run without --limit",
  });
}

/**
 * When a host of the layout is unreachable nothing runs anywhere: the results of the reachable hosts say why.
 * Returns null when every host is connected.
 */
export function unreachableLayout(connected: readonly Connected[]): HostResult[] | null {
  const down = connected.filter((c) => !c.host).map((c) => c.resolved.name);
  if (down.length === 0) return null;
  return connected.map(({ resolved, host, error }) =>
    host
      ? {
          name: resolved.name,
          status: "failed",
          error: `not deployed: ${down.join(", ")} unreachable, and the hosts of a load-balancer layout deploy together`,
        }
      : { name: resolved.name, status: "unreachable", error },
  );
}

/**
 * One live color for every host, from what the nginx hosts serve (their records when nothing answers), and one
 * "nothing to do": only when it holds on every host (else an nginx host with nothing to do would skip the switch
 * the app hosts wait for).
 */
export async function agreeOnLayout(prepared: readonly PreparedHost[]): Promise<void> {
  const switching = prepared.filter((p) => p.s.role.switches);
  const served = await Promise.all(switching.map((p) => servedColor(p.s.bypass)));
  const live = served.find((c) => c !== null) ?? switching.find((p) => p.s.liveColor)?.s.liveColor ?? null;
  for (const p of prepared) {
    p.s.liveColor = live;
    p.s.idle = live ? otherColor(live) : "blue";
  }
  if (prepared.some((p) => !p.same)) for (const p of prepared) p.same = null;
}

/** The sync points every prepared host's run shares (set on each host's run before it executes). */
export function shareSync(prepared: readonly PreparedHost[]): LayoutSync {
  const sync = new LayoutSync(prepared.map((p) => p.s.run.host.name));
  for (const p of prepared) p.s.run.layout = sync;
  return sync;
}
