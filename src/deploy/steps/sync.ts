/**
 * wait-<point> (load-balancer layout only, ../layout-sync.ts): this host waits until every host of the run reached
 * the same point; its undo waits until every host is back past it, so undos run in reverse across hosts.
 */
import type { Step } from "./types.js";

/**
 * The points, in order: (a restoring rollback) every nginx host shows the maintenance page; app hosts healthy (and
 * hooked), nginx hosts switched and verified, after_switch hooks done.
 */
export type SyncPoint = "maintenance" | "gated" | "switched" | "after-switch";

export function syncStep(point: SyncPoint): Step {
  return {
    name: `wait-${point}`,
    async run(s) {
      const layout = s.run.layout;
      if (!layout) return { status: "skipped" };
      await layout.arrive(point, s.run.host.name);
      return { status: "ok", data: { hosts: layout.hosts.length } };
    },
    async undo(s) {
      await s.run.layout?.back(point, s.run.host.name);
      return "nothing";
    },
  };
}
