/**
 * verify: after the switch, every public route through the server block users reach (HTTPS with the site's name when
 * TLS is on); a redirect, a server error or an answer from the other color fails the run, and the undo chain switches
 * back while the old color still runs.
 */
import { SlipwayError } from "../../errors.js";
import { verifyThroughNginx } from "../nginx.js";
import { publicPortChecks, verifyPublicPorts } from "../public-port.js";
import type { FlowState, Step } from "./types.js";

export const verifyStep: Step = {
  name: "verify",
  async run(s) {
    if (!s.role.switches) return { status: "skipped" };
    if (s.run.config.proxy.mode === "internal") return verifyInternal(s);
    // The switch's confirmation asked the first route as users reach it an instant ago: that answer is its check.
    const verify = await verifyThroughNginx(s.bypass, s.idle, s.switchAnswer);
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

/** proxy.mode internal: the public ports are what users reach (there is no nginx); nothing public, nothing to check. */
async function verifyInternal(s: FlowState) {
  if (publicPortChecks(s.run.config).length === 0) {
    return { status: "skipped" as const, message: "proxy.mode internal without a public_port: nothing is public" };
  }
  const verify = await verifyPublicPorts(s.run.host, s.run.config);
  if (!verify.ok) {
    for (const f of verify.failures) s.say(`verify failed: ${f}`);
    throw new SlipwayError(`verification of the public ports failed after the switch: ${verify.failures.join("; ")}`, {
      host: s.run.host.name,
      step: "verify",
      hint: s.liveColor ? "fix the release and deploy again" : "no previous release to go back to",
    });
  }
  s.say(`verified the public ports (${verify.urls.join(", ")}) against ${s.idle}`);
  return { status: "ok" as const };
}
