/**
 * The whole certificate step for one host and config (DESIGN step 11): the HTTP site (serving the ACME webroot) is
 * in place, the certificate exists, renewal is scheduled with a reload hook, and only then the HTTPS server block is
 * installed (nginx -t, graceful reload). A second run changes nothing.
 */
import type { SlipwayConfig } from "../config/schema.js";
import { applyNginxSite } from "../install/apply.js";
import type { RemoteHost } from "../remote/types.js";
import { nginxSiteFromConfig, sitePathFromConfig } from "../render/from-config/index.js";
import type { Color } from "../render/model.js";
import type { StepOptions } from "./files.js";
import { describeCertState } from "./inspect.js";
import { ensureCertificate, inspectCertificate } from "./obtain.js";
import { ensureRenewal } from "./renewal.js";
import { certSpecFromConfig } from "./spec.js";

export interface CertStepReport {
  host: string;
  changed: boolean;
  skipped: boolean;
  /** What happened (or would happen in check mode), in order. */
  actions: string[];
  certificate: string;
}

export interface EnsureCertificatesOptions extends StepOptions {
  /** The color the site's upstreams point at; default the host's live color (blue when none yet). */
  color?: Color;
  now?: Date;
}

export async function ensureCertificates(
  host: RemoteHost,
  config: SlipwayConfig,
  options: EnsureCertificatesOptions,
): Promise<CertStepReport> {
  const report: CertStepReport = { host: host.name, changed: false, skipped: false, actions: [], certificate: "" };
  if (!config.tls.enabled || config.proxy.mode === "internal") {
    return { ...report, skipped: true, certificate: "TLS is off (tls.enabled false or proxy.mode internal)" };
  }
  const color = options.color ?? (await liveColor(host, config));
  const spec = certSpecFromConfig(config);

  if (spec) {
    // Until a certificate file exists, the site can only be HTTP; it already answers the ACME challenge.
    const before = await inspectCertificate(host, spec, options);
    const certFileExists = before.kind !== "missing" && before.kind !== "unreadable";
    await installSite(host, config, color, certFileExists, options, report, "HTTP site for the ACME challenge");
    const obtained = await ensureCertificate(host, spec, { ...options, step: "certificate" });
    report.certificate = obtained.msg;
    if (obtained.changed) report.actions.push(options.check ? "would run certbot" : "certbot certonly");
    const renewal = await ensureRenewal(host, spec, { ...options, step: "certificate renewal" });
    report.actions.push(...renewal.actions);
    if (options.check && obtained.after.kind !== "valid") {
      report.actions.push("then install the HTTPS server block");
      report.changed = report.actions.length > 0;
      return report;
    }
  } else {
    report.certificate = `provided: ${config.tls.certificate_path}`;
  }
  await installSite(host, config, color, true, options, report, "HTTPS site");
  report.changed = report.actions.length > 0;
  return report;
}

async function installSite(
  host: RemoteHost,
  config: SlipwayConfig,
  color: Color,
  tlsReady: boolean,
  options: StepOptions,
  report: CertStepReport,
  what: string,
): Promise<void> {
  const model = nginxSiteFromConfig(config, { color, tlsReady });
  if (!model) return;
  const result = await applyNginxSite(host, model, {
    become: options.become,
    check: options.check,
    step: what,
    sitePath: sitePathFromConfig(config),
  });
  if (result.changed) report.actions.push(`${options.check ? "would install" : "installed"} ${what}`);
}

async function liveColor(host: RemoteHost, config: SlipwayConfig): Promise<Color> {
  const facts = await host.facts({ deployDir: config.deploy_dir });
  return facts.current.color ?? "blue";
}

export { describeCertState };
