/**
 * certificate: with `tls.enabled` (and no `tls.certificate_path`), the certificate covers every name the site serves
 * and is not due for renewal before the HTTPS site is switched in (DESIGN step 11, inside the deploy: a push-to-main
 * deploy works on a fresh server without `slipway certs`). certbot answers http-01 through the running nginx
 * (src/certs/, the one certbot implementation). When the certificate is missing or lacks a name, the names may not
 * reach this site's port-80 server yet (fresh host, new name): the site is installed first with this config's names,
 * its upstreams on the live color (the idle one on a first deploy), and the certificate it has so far (HTTP only when
 * none). Renewal and its nginx-reload hook are made sure of every time. Undo puts back the site files it installed.
 */

import { ensureCertificate, ensureRenewal, inspectCertificate } from "../../certs/index.js";
import { type CertSpec, certSpecFromConfig } from "../../certs/spec.js";
import type { SlipwayConfig } from "../../config/index.js";
import { applyNginxSite } from "../../install/apply.js";
import type { FileChange } from "../../install/validated.js";
import { nginxSiteFromConfig, sitePathFromConfig } from "../../render/from-config/index.js";
import type { Color } from "../../render/model.js";
import { checkHelperRecord, inHelperMode } from "../helper-record.js";
import { restoreSiteFiles, tlsReady } from "../nginx.js";
import { withProgress } from "../progress.js";
import { socketLinksLeft } from "../socket-links.js";
import { progressOf } from "./progress.js";
import type { FlowState, Step } from "./types.js";

const STEP = "certificate";

/** The ACME request of this run, or null when the step does not apply (TLS off, internal, provided certificate). */
function specOf(config: SlipwayConfig): CertSpec | null {
  if (config.proxy.mode === "internal") return null;
  return certSpecFromConfig(config);
}

/** The color the site's upstreams point at while the certificate is requested: users stay on the live color. */
function siteColor(s: FlowState): Color {
  return s.liveColor ?? s.idle;
}

/**
 * The site with this config's names on port 80 (serving the ACME webroot), so every requested name reaches it.
 * Returns the files that changed with their previous contents.
 */
async function installSiteForChallenge(s: FlowState, check: boolean): Promise<FileChange[]> {
  const { host, config } = s.run;
  const [tls, left] = await Promise.all([tlsReady(host, config), socketLinksLeft(host, config)]);
  const model = nginxSiteFromConfig(config, { color: siteColor(s), tlsReady: tls, keepListeners: left.length > 0 });
  if (!model) return [];
  const result = await applyNginxSite(host, model, {
    become: true,
    check,
    sitePath: sitePathFromConfig(config),
    step: STEP,
  });
  return result.files;
}

/**
 * In helper mode certbot runs with the names, webroot and server bootstrap recorded, not this config's (D47): a name
 * added to proxy.domains since is refused by the helper. Said before anything changes, with bootstrap as the fix.
 */
async function checkCertbotAllowed(s: FlowState, spec: CertSpec): Promise<void> {
  const { host, config } = s.run;
  if (inHelperMode(config, host.name)) await checkHelperRecord(host, config, { step: STEP, cert: spec });
}

export const certificateStep: Step = {
  name: STEP,
  async plan(s) {
    const spec = specOf(s.run.config);
    if (!spec || !s.role.switches) return;
    const planned = await ensureCertificate(s.run.host, spec, { become: true, check: true, step: STEP });
    if (planned.changed) await checkCertbotAllowed(s, spec);
    if (planned.changed) s.say(`  certificate for ${spec.domains.join(", ")}: ${planned.msg}`);
  },
  async run(s) {
    const { host } = s.run;
    const spec = specOf(s.run.config);
    if (!spec) return { status: "skipped", message: "TLS is off, provided (tls.certificate_path) or internal" };
    // The certificate is where nginx serves it: the nginx hosts of a load-balancer layout.
    if (!s.role.switches) return { status: "skipped", message: "no nginx site on this host" };
    const state = await inspectCertificate(host, spec, { become: true });
    if (state.kind !== "valid") await checkCertbotAllowed(s, spec);
    if (state.kind === "missing" || state.kind === "names-differ") {
      const changes = await installSiteForChallenge(s, false);
      s.certificateSiteChanges = changes;
      if (changes.length > 0) s.say(`installed the site with ${spec.domains.join(", ")} for the ACME challenge`);
    }
    const obtained = await withProgress(progressOf(s), `certbot: certificate for ${spec.domains.join(", ")}`, () =>
      ensureCertificate(host, spec, { become: true, check: false, step: STEP, app: s.run.config.app }),
    );
    if (obtained.changed) s.say(`certificate for ${spec.domains.join(", ")}: ${obtained.msg}`);
    const renewal = await ensureRenewal(host, spec, { become: true, check: false, step: STEP });
    for (const action of renewal.actions) s.say(`renewal: ${action}`);
    const changed = obtained.changed || renewal.changed || (s.certificateSiteChanges?.length ?? 0) > 0;
    return {
      status: changed ? "changed" : "ok",
      message: obtained.msg,
      data: { requested: obtained.changed, names: spec.domains },
    };
  },
  async undo(s) {
    const changes = s.certificateSiteChanges ?? [];
    if (changes.length === 0) return "nothing";
    // The certificate stays: it is valid and the next deploy uses it.
    await restoreSiteFiles(s.run.host, changes, STEP);
    s.say("put back the nginx site as it was before the certificate step");
    return undefined;
  },
};
