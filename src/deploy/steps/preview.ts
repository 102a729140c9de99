/**
 * preview: before users are switched, every public route is checked through nginx against the new color, on the
 * loopback-only preview listener that has the same locations, rewrites and headers as the live site. A failure
 * there is never switched to: no user request reaches the release. (First deploy: nothing is live to protect; the
 * check after the switch is the only one.)
 */
import { SlipwayError } from "../../errors.js";
import { previewPort } from "../../render/from-config/nginx.js";
import { clearIntent } from "../intent.js";
import { checkRoutes, switchTo } from "../nginx.js";
import { keepSite, putSiteBack } from "./site-back.js";
import { writeSwitchIntent } from "./switch.js";
import type { FlowState, Step } from "./types.js";

/** An intent the preview wrote for a switch that did not happen: removed (the preview failed, or the run stopped). */
async function dropIntent(s: FlowState): Promise<boolean> {
  if (!s.intentWritten || s.switched) return false;
  await clearIntent(s.run.host, s.paths);
  s.intentWritten = false;
  return true;
}

function previewApplies(s: FlowState): boolean {
  const { proxy } = s.run.config;
  return Boolean(proxy.preview && proxy.mode !== "internal" && s.liveColor && s.role.switches);
}

/**
 * The preview's setup: the installed site gets its preview listener, routed to the idle color (users stay on the live
 * color). Started once (later calls get the same promise): the gate starts it while it polls, so it costs no round
 * trip of its own before the preview's check. Undefined where the preview does not apply.
 */
export function startPreviewSetup(s: FlowState): Promise<unknown> | undefined {
  if (!previewApplies(s) || !s.liveColor) return undefined;
  if (!s.previewSetup) {
    s.previewSetup = switchTo(s.run.host, s.run.config, s.liveColor).then((result) => {
      keepSite(s, result?.files ?? []);
      return result;
    });
    // Its error is the preview's (awaited there); a gate that fails first never gets that far.
    s.previewSetup.catch(() => {});
  }
  return s.previewSetup;
}

export const previewStep: Step = {
  name: "preview",
  async plan(s) {
    const { proxy } = s.run.config;
    if (proxy.preview && proxy.mode !== "internal" && s.liveColor && s.role.switches)
      s.say(`  check every route through nginx on 127.0.0.1:${previewPort(s.run.config)} against ${s.idle}`);
  },
  async run(s) {
    const { host, config } = s.run;
    if (!previewApplies(s)) return { status: "skipped" };
    await startPreviewSetup(s);
    const port = previewPort(config);
    // The switch's intent is written while the routes are checked (read-only): the switch then starts at the links.
    const [check] = await Promise.all([
      checkRoutes(host, config, { kind: "preview", port }, s.idle),
      writeSwitchIntent(s),
    ]);
    if (!check.ok) {
      await dropIntent(s);
      for (const f of check.failures) s.say(`preview failed: ${f}`);
      throw new SlipwayError(`the new release fails through nginx before the switch: ${check.failures.join("; ")}`, {
        host: host.name,
        step: "preview",
        hint: "no user request reached it; fix the release and deploy again",
      });
    }
    s.say(`previewed every route through nginx on ${s.idle}`);
    return { status: "ok", data: { port } };
  },
  // Interrupted before the switch: the intent written for it goes (after the switch, the switch's undo removes it),
  // and the site the setup installed (the switch's undo, when it ran, put it back already).
  async undo(s) {
    const dropped = await dropIntent(s);
    return (await putSiteBack(s, "preview")) || dropped ? undefined : "nothing";
  },
};
