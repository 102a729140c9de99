/**
 * Whether nginx runs (D83). `nginx -t` passes and the socket links or upstream files name a color whether nginx runs
 * or not, so neither tells a stopped nginx (an operator's `systemctl stop nginx`, an OOM kill) from a serving one: a
 * deploy then failed at the preview blaming the release, and `status` said healthy. systemd's state of the unit is
 * read where each already reads nginx: `status` as a `unit` probe of its script (status-served.ts), preflight beside
 * its `nginx -t` (steps/preflight.ts), and the plan (preflight's, and reconcile's when a killed run left a switch
 * intent). All judge the lines here.
 */

import type { StatusProbe } from "../commands/status.js";
import { parseUnitActive, unitActiveArgv } from "../commands/systemd.js";
import { SlipwayError } from "../errors.js";
import type { SwitchIntent } from "./intent.js";

/** The unit the switch reloads (commands/nginx.ts NGINX_RELOAD_AND_WAIT) and these reads ask about. */
export const NGINX_UNIT = "nginx";

/** The status script's probe of nginx's unit (`systemctl show --property=ActiveState,SubState -- nginx`). */
export const NGINX_UNIT_PROBE: StatusProbe = { kind: "unit", target: NGINX_UNIT };

/** Preflight's read: the same properties as NGINX_UNIT_PROBE, as one command. */
export function nginxUnitArgv(): string[] {
  return unitActiveArgv(NGINX_UNIT);
}

/**
 * systemd's state of nginx when it does not run (`inactive (dead)`, `failed (failed)`, `deactivating (stop)`), null
 * when it runs (`active`, or `reloading`: the old workers still serve) or when nothing was read (no ActiveState line:
 * a host this cannot judge is not refused on a guess).
 */
export function nginxDownState(lines: readonly string[]): string | null {
  const { active, state } = parseUnitActive(lines);
  if (active === "unknown" || active === "active" || active === "reloading") return null;
  return state;
}

const START_HINT = "start it (`sudo systemctl start nginx`; `systemctl status nginx` says why it stopped)";

/** `status`'s problem for a stopped nginx: the site refuses every connection whatever the services answer. */
export function nginxDownProblem(state: string): string {
  return `nginx is not running (systemctl: ${state}): the site refuses every connection; ${START_HINT}`;
}

/** Where a stopped nginx is refused: what the run is, and what the refusal's hint adds. */
export interface NginxDownAt {
  /** The run refused: its hint says to run it again. Default "deploy". */
  kind?: "deploy" | "rollback";
  /**
   * What the refused run leaves ("the live color green is untouched"): given at plan, where nothing else adds it (a
   * run's failure gets it from host-flow.ts failureError), so the plan and the run give the same hint.
   */
  left?: string;
  /** A killed run's switch intent is on the host: reconcile, which would point nginx back, refuses (not preflight). */
  intent?: Pick<SwitchIntent, "to" | "run_id">;
}

/**
 * The refusal of a stopped nginx on `host`, before anything changed (a stop-first deploy stopped nothing): preflight's,
 * or with `at.intent` reconcile's, whose switch back would fail half-way (links moved, the reload refused). The plan
 * (`slipway plan`, `deploy --check`, the plan every run makes first) throws the same error.
 */
export function nginxDownError(host: string, state: string, at: NginxDownAt = {}): SlipwayError {
  const { intent } = at;
  const what = intent
    ? `; an earlier run (${intent.run_id || "unknown"}) did not finish its switch to ${intent.to}, and nginx cannot be pointed back at the recorded color while it is stopped`
    : "";
  const again = at.kind === "rollback" ? "roll back again" : "deploy again";
  const back = intent ? " (it first points nginx back at the recorded color)" : "";
  return new SlipwayError(`nginx is not running on ${host} (systemctl: ${state})${what}: nothing was changed`, {
    host,
    step: intent ? "reconcile" : "preflight",
    command: nginxUnitArgv().join(" "),
    hint: [`${START_HINT}, then ${again}${back}`, ...(at.left ? [at.left] : [])].join("; "),
  });
}
