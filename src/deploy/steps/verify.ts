/**
 * verify: after the switch, every public route through the server block users reach (HTTPS with the site's name when
 * TLS is on); a redirect, a server error or an answer from the other color fails the run, and the undo chain switches
 * back while the old color still runs.
 */
import { SlipwayError } from "../../errors.js";
import { verifyThroughNginx } from "../nginx.js";
import type { Step } from "./types.js";

export const verifyStep: Step = {
  name: "verify",
  async run(s) {
    if (!s.role.switches) return { status: "skipped" };
    const verify = await verifyThroughNginx(s.run.host, s.run.config, s.idle);
    if (!verify.ok) {
      for (const f of verify.failures) s.say(`verify failed: ${f}`);
      throw new SlipwayError(`verification through nginx failed after the switch: ${verify.failures.join("; ")}`, {
        host: s.run.host.name,
        step: "verify",
        hint: s.liveColor ? "fix the release and deploy again" : "no previous release to go back to",
      });
    }
    s.say("verified the public routes through nginx");
    return { status: "ok" };
  },
};
