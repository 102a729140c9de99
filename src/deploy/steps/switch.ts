/**
 * switch: nginx's upstreams point at the new color, validated with `nginx -t` and reloaded, every time (even when the
 * files already say so: a run killed between writing and reloading leaves nginx serving the old files). Undo points
 * them back at the color that was live and reloads.
 */

import { type Color, type SlipwayConfig, selectHosts } from "../../config/index.js";
import { isSplitLayout } from "../../config/layout.js";
import { SlipwayError } from "../../errors.js";
import type { FileChange } from "../../install/validated.js";
import type { Redactor } from "../../remote/redact.js";
import { UPSTREAM_INCLUDE_DIR, upstreamFromConfig } from "../../render/from-config/nginx.js";
import { MAINTENANCE_BYPASS_HEADER, maintenancePagePath, ownerRun, pageOwner } from "../../render/nginx-maintenance.js";
import { clearIntent, writeIntent } from "../intent.js";
import type { MaintenanceBypass } from "../maintenance-bypass.js";
import { type PublicAnswer, reloadNginx, servedColor, switchTo } from "../nginx.js";
import { pointSocketLinks } from "../socket-links.js";
import { restoring } from "./restoring.js";
import { keepSite, putSiteBack } from "./site-back.js";
import type { FlowState, Step } from "./types.js";

/**
 * The plan's lines about a maintenance page already on: the user's stays on; one a killed run left (`killed`, its id)
 * is taken over by a restoring rollback (off once verified), else stays until `slipway maintenance off` (D80).
 */
export function maintenancePlanLines(killed: string | null, restoringRun: boolean): string[] {
  if (killed && restoringRun) {
    return [`  maintenance page left on by killed run ${killed}: this run takes it over (off once verified)`];
  }
  const who = killed ? `maintenance page left on by killed run ${killed}` : "maintenance is on";
  return [
    `  ${who}: users keep getting the maintenance page (503) after the switch; the deploy keeps it`,
    "    on (`slipway maintenance off` takes it down)",
  ];
}

/**
 * Writes the switch intent (this run is about to point nginx at the idle color) unless it is written already. Written
 * before the links move; an intent with nginx still on the live color is harmless (reconcile points nginx at the
 * recorded color, where it is), so the preview writes it beside its own check: one round trip less before the switch.
 */
export async function writeSwitchIntent(s: FlowState): Promise<void> {
  if (s.intentWritten) return;
  const { host, releaseId, runId } = s.run;
  const intent = { to: s.idle, from: s.liveColor, release: releaseId, run_id: runId, since: new Date().toISOString() };
  await writeIntent(host, s.paths, intent);
  s.intentWritten = true;
}

/**
 * Points nginx at `color`, makes sure the running nginx has loaded it, and confirms that answers now come from
 * `color` (the header nginx adds per color); throws when they do not. proxy.switch socket reloads only when the
 * answers say the running nginx lacks the files (a run killed between writing and reloading them): a reload closes
 * users' idle keep-alive connections. The host's maintenance bypass token (`bypass`: the run's, with the host and
 * config) is made first when it has none (and added to `redactor`), so the checks after the switch pass the page
 * while maintenance is on. `changed` is told the files it changed (with their previous contents) as soon as they are
 * in place, also when the confirmation then throws: the switch's undo puts them back. `answered` is given each answer
 * of the confirmation (the last one is what nginx serves now: verify's request for that route).
 */
export async function switchAndReload(
  bypass: MaintenanceBypass,
  color: Color,
  redactor?: Redactor,
  changed?: (files: readonly FileChange[]) => void,
  answered?: (answer: PublicAnswer) => void,
): Promise<boolean> {
  const { host, config } = bypass;
  const nginx = config.proxy.mode !== "internal";
  const token = nginx ? await bypass.ensure(redactor) : null;
  const result = await switchTo(host, config, color);
  if (!result) return false;
  changed?.(result.files);
  const socket = config.proxy.switch === "socket";
  // installValidated reloads only when a file changed; a kill before an earlier reload needs one now, and so does a
  // token nginx has not read yet (the site includes its file).
  if (nginx && !result.changed && (!socket || token?.created)) await reloadNginx(host);
  let served = await servedColor(bypass, answered);
  if (socket && served !== color) {
    await reloadNginx(host);
    served = await servedColor(bypass, answered);
  }
  if (served !== null && served !== color) throw notServedError(host.name, served, color);
  return result.changed;
}

/** nginx answers from `served` after being pointed at `color`. */
function notServedError(host: string, served: Color, color: Color): SlipwayError {
  return new SlipwayError(`nginx still answers from ${served} after switching to ${color}`, {
    host,
    step: "switch",
    hint: "another nginx site may shadow this one (same server_name); see `sudo nginx -T` on the host",
  });
}

/**
 * The undo's way back to `color` (D84): the site files as they were before this run's preview setup or switch changed
 * them (steps/site-back.ts: the config being deployed may render another site, e.g. another domain, than the one that
 * served), the socket links on `color`, then the answers confirmed. Nothing kept (only links moved): switchAndReload.
 */
async function switchBack(s: FlowState, color: Color): Promise<void> {
  const { host, config } = s.run;
  if (!s.siteChanges?.length) {
    await switchAndReload(s.bypass, color, s.run.redactor);
    return;
  }
  if (config.proxy.switch === "socket") await pointSocketLinks(host, config, color, false);
  try {
    await putSiteBack(s, "switch");
  } catch (e) {
    // The files that served before fail `nginx -t` now (changed beside the run): this config's site on `color` then.
    s.say(
      `could not put the previous nginx site back (${e instanceof Error ? e.message : String(e)}): this config's site on ${color} instead`,
    );
    await switchAndReload(s.bypass, color, s.run.redactor);
    return;
  }
  const served = await servedColor(s.bypass);
  if (served !== null && served !== color) throw notServedError(host.name, served, color);
}

/** `backend -> 10.213.0.12:15001, 10.213.0.13:15001` per routed service: where `color`'s upstreams send requests. */
export function upstreamLines(config: SlipwayConfig, color: Color): string[] {
  const services = [...new Set(config.proxy.routes.map((r) => r.service))];
  if (config.proxy.api_subdomain && !services.includes(config.proxy.api_subdomain.service)) {
    services.push(config.proxy.api_subdomain.service);
  }
  return services.map((name) => {
    const servers = upstreamFromConfig(config, name, color).servers.map((v) => `${v.host}:${v.port}`);
    return `${name} -> ${servers.join(", ")}`;
  });
}

export const switchStep: Step = {
  name: "switch",
  async plan(s) {
    const { config } = s.run;
    if (!s.role.switches) {
      const nginx = selectHosts(config, config.proxy.hosts).map((h) => h.name);
      if (config.proxy.mode === "nginx") s.say(`  ${s.idle} is switched to by nginx on ${nginx.join(", ")}`);
      return;
    }
    // Read beside the site's check: the maintenance page stays up across the deploy, which the plan must say.
    const [site, maintenance, token] = await Promise.all([
      switchTo(s.run.host, config, s.idle, true),
      // Only informative: a host that refuses the read (helper mode's list) plans as before.
      s.run.host
        .readFile(maintenancePagePath(UPSTREAM_INCLUDE_DIR, config.app), { become: true })
        .catch(() => undefined),
      config.proxy.mode === "internal" ? null : s.bypass.read(),
    ]);
    if (token) s.run.redactor?.add(token);
    s.say(
      `  switch nginx to ${s.idle}${site?.changed ? "" : " (no file change)"} (proxy.switch ${config.proxy.switch})`,
    );
    // D61: the links move without a reload; a changed site (a route, the preview toggled) reloads all the same.
    if (site?.filesChanged && config.proxy.switch === "socket" && config.proxy.mode !== "internal") {
      s.say("  the site's files change: nginx reloads once (its idle keep-alive connections close; clients retry)");
    }
    if (maintenance !== undefined) {
      for (const line of maintenancePlanLines(ownerRun(pageOwner(maintenance.toString("utf8"))), restoring(s))) {
        s.say(line);
      }
      s.say(
        `  the checks after the switch pass the page with this host's bypass token (${MAINTENANCE_BYPASS_HEADER}${token ? "" : ", made at the switch"})`,
      );
    }
    // The load-balancer layout: say which app hosts the new color's upstreams name.
    if (isSplitLayout(config)) for (const line of upstreamLines(config, s.idle)) s.say(`    ${line}`);
    if (site?.diff) s.emitter.diff("switch", site.diff);
  },
  async run(s) {
    // The load-balancer layout: the app hosts have no site; the nginx hosts switch for them.
    if (!s.role.switches) return { status: "skipped" };
    await writeSwitchIntent(s);
    s.switched = true;
    // The confirmation's last answer is verify's request for its route, made a moment later: verify takes it.
    const changed = await switchAndReload(
      s.bypass,
      s.idle,
      s.run.redactor,
      (files) => keepSite(s, files),
      (answer) => {
        s.switchAnswer = answer;
      },
    );
    s.say(`switched nginx to ${s.idle}${changed ? "" : " (unchanged)"}`);
    return { status: "changed", data: { color: s.idle } };
  },
  async undo(s) {
    if (!s.liveColor || !s.role.switches) return "nothing";
    await switchBack(s, s.liveColor);
    await clearIntent(s.run.host, s.paths);
    s.intentWritten = false;
    s.say(`switched back to ${s.liveColor}`);
    s.undoNotes.push(`switched back to ${s.liveColor}, which serves the previous release`);
    return undefined;
  },
};
