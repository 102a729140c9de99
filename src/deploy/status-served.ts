/**
 * `slipway status` on a host running the app's nginx site: the color nginx actually routes users to, read from what
 * the switch writes (proxy.switch socket: each routed service's public socket link; reload: its upstream include), and
 * the switch intent a run leaves while it switches (deploy/intent.ts). A run killed after moving nginx and before its
 * record leaves nginx on a release the `color` file does not name (D63): status must say so, not repeat the record.
 */

import type { StatusProbe } from "../commands/status.js";
import type { Color, SlipwayConfig } from "../config/index.js";
import { COLOR_SOCKET_DIR, nginxSiteFromConfig, UPSTREAM_INCLUDE_DIR } from "../render/from-config/nginx.js";
import { colorSocketPath, renderNginxUpstream, socketLinkPath } from "../render/nginx.js";
import type { LeftSwitch } from "./history.js";
import type { SwitchIntent } from "./intent.js";
import { routedServices } from "./socket-links.js";

/** One probe per routed service, and the text it reads when each color serves (the link's target, or the file). */
export interface ServedPlan {
  probes: Array<{ probe: StatusProbe; blue: string; green: string }>;
}

const COLORS: readonly Color[] = ["blue", "green"];

/**
 * What to read to know the served color: null when the app has no nginx site (proxy.mode internal). `config` is the
 * whole config (a load balancer's upstream names every host of the service).
 */
export function servedPlan(config: SlipwayConfig): ServedPlan | null {
  if (config.proxy.mode === "internal") return null;
  const { app } = config;
  if (config.proxy.switch === "socket") {
    return {
      probes: routedServices(config).map((service) => ({
        probe: { kind: "link", target: socketLinkPath(UPSTREAM_INCLUDE_DIR, app, service) },
        blue: colorSocketPath(COLOR_SOCKET_DIR, app, service, "blue"),
        green: colorSocketPath(COLOR_SOCKET_DIR, app, service, "green"),
      })),
    };
  }
  const [blue, green] = COLORS.map((color) => {
    const site = nginxSiteFromConfig(config, { color, tlsReady: false });
    return (site?.upstreams ?? []).map((u) => renderNginxUpstream(app, u, UPSTREAM_INCLUDE_DIR));
  });
  return {
    probes: (blue ?? []).map((file, i) => ({
      probe: { kind: "file", target: file.path },
      blue: file.content.trimEnd(),
      green: (green?.[i]?.content ?? "").trimEnd(),
    })),
  };
}

/**
 * The color every probe agrees on (`lines`: a probe's section); null when any probe reads neither color's text
 * (no site yet, a link removed by hand) or two of them disagree.
 */
export function servedColorOf(plan: ServedPlan, lines: (probe: StatusProbe) => readonly string[]): Color | null {
  const seen = new Set<Color | null>(
    plan.probes.map(({ probe, blue, green }) => {
      const text = lines(probe).join("\n").trimEnd();
      return text === blue ? "blue" : text === green ? "green" : null;
    }),
  );
  const [only] = [...seen];
  return seen.size === 1 && only ? only : null;
}

/** What status knows of the host's switch: the color nginx serves, the record's color and release, a left intent. */
export interface SwitchFacts {
  served: Color | null;
  recorded: { color: Color | null; release: string | null };
  intent: SwitchIntent | null;
  /** The lock's run id, when a lock is held: `lock release --run` cleans up only that run's. */
  lockRun?: string;
}

/**
 * The switch a killed run left that nginx still follows (its intent names the color nginx serves, not the recorded
 * one): users are on that run's unrecorded release. Null otherwise (status and rollback read it the same way, D82).
 */
export function leftSwitch(f: Pick<SwitchFacts, "served" | "recorded" | "intent">): LeftSwitch | null {
  const { served, recorded, intent } = f;
  if (!served || served === recorded.color || !intent || intent.to !== served) return null;
  return { served, release: intent.release, run: intent.run_id };
}

/**
 * The problem a switch left, one phrase with the way out; null when nginx serves the recorded color (an intent left
 * with nginx still on it is harmless: the next deploy removes it).
 */
export function switchProblem(f: SwitchFacts): string | null {
  const { served, recorded, intent } = f;
  if (!served || served === recorded.color) return null;
  const back = recorded.color
    ? `points nginx back at the recorded ${recorded.color}${recorded.release ? ` (release ${recorded.release})` : ""} before it starts`
    : "clears it";
  if (intent && leftSwitch(f)) {
    const run = intent.run_id || "unknown";
    const now =
      intent.run_id && f.lockRun === intent.run_id ? `, or \`slipway lock release --run ${run}\` does it now` : "";
    return `nginx serves ${served} (release ${intent.release || "unknown"}, not recorded: run ${run} was killed during its switch at ${intent.since || "an unknown time"}); the next deploy ${back}${now}`;
  }
  return `nginx serves ${served} while the record says ${recorded.color ?? "nothing"}: the next deploy goes by what nginx serves`;
}
