/**
 * switch: nginx's upstreams point at the new color, validated with `nginx -t` and reloaded, every time (even when the
 * files already say so: a run killed between writing and reloading leaves nginx serving the old files). Undo points
 * them back at the color that was live and reloads.
 */

import type { Color } from "../../config/index.js";
import { SlipwayError } from "../../errors.js";
import type { RemoteHost } from "../../remote/types.js";
import { nginxReload, nginxTest } from "../../render/validators.js";
import { switchTo } from "../nginx.js";
import type { FlowState, Step } from "./types.js";

/** `nginx -t` then the graceful reload that waits for the old workers; throws naming the command that failed. */
export async function reloadNginx(host: RemoteHost): Promise<void> {
  for (const command of [nginxTest(), nginxReload()]) {
    const result = await host.exec(command.argv, { become: true, check: false, step: "switch" });
    if (result.code !== 0) {
      throw new SlipwayError(`${command.what} failed`, {
        host: host.name,
        step: "switch",
        command: command.argv.join(" "),
        exitCode: result.code,
        stderrTail: result.stderr.trim().split("\n").slice(-5).join("\n"),
        hint: "see `sudo nginx -t` and `journalctl -u nginx` on the host",
      });
    }
  }
}

/** Points nginx at `color` and makes sure the running nginx has loaded it. */
export async function switchAndReload(s: FlowState, color: Color): Promise<boolean> {
  const { host, config } = s.run;
  const result = await switchTo(host, config, color);
  // installValidated reloads only when a file changed; a kill before an earlier reload needs one now.
  if (result && !result.changed) await reloadNginx(host);
  return result?.changed ?? false;
}

export const switchStep: Step = {
  name: "switch",
  async plan(s) {
    const site = await switchTo(s.run.host, s.run.config, s.idle, true);
    s.say(`  switch nginx to ${s.idle}${site?.changed ? "" : " (no file change)"}`);
    if (site?.diff) s.emitter.diff("switch", site.diff);
  },
  async run(s) {
    s.switched = true;
    const changed = await switchAndReload(s, s.idle);
    s.say(`switched nginx to ${s.idle}${changed ? "" : " (unchanged)"}`);
    return { status: "changed", data: { color: s.idle } };
  },
  async undo(s) {
    if (!s.liveColor) return "nothing";
    await switchAndReload(s, s.liveColor);
    s.say(`switched back to ${s.liveColor}`);
    s.undoNotes.push(`switched back to ${s.liveColor}, which serves the previous release`);
    return undefined;
  },
};
