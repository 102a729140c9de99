/**
 * certbot: a certificate through the running nginx (certbot certonly --webroot), idempotent (no certbot run while the
 * certificate covers the names and is valid for more than renew_before_days), plus renewal with a reload hook.
 * `from_config: true` does the whole step from slipway.yml instead (the `config` var the CLI passes): HTTP site,
 * certificate, renewal, then the HTTPS server block.
 */
import { z } from "zod";
import {
  type CertSpec,
  DEFAULT_RENEW_BEFORE_DAYS,
  ensureCertificate,
  ensureCertificates,
  ensureRenewal,
} from "../certs/index.js";
import { ACME_WEBROOT } from "../config/schema/tls.js";
import type { SlipwayConfig } from "../config/schema.js";
import type { Module } from "../engine/types.js";

const argsSchema = z
  .object({
    from_config: z.boolean().default(false),
    domains: z.array(z.string().min(1)).min(1).optional(),
    webroot: z.string().startsWith("/").default(ACME_WEBROOT),
    email: z.string().min(3).optional(),
    acme_server: z.string().url().default("https://acme-v02.api.letsencrypt.org/directory"),
    staging: z.boolean().default(false),
    ca_bundle: z.string().startsWith("/").optional(),
    /** Lineage name; default the first domain (the path the rendered nginx site reads). */
    cert_name: z.string().min(1).optional(),
    renew_before_days: z.number().int().min(1).default(DEFAULT_RENEW_BEFORE_DAYS),
    /** Also install the renewal timer and nginx reload hook. */
    renewal: z.boolean().default(true),
  })
  .strict()
  .refine((a) => a.from_config || (a.domains !== undefined && a.email !== undefined), {
    message: "give domains and email, or from_config: true",
  });

export const certbotModule: Module<typeof argsSchema> = {
  name: "certbot",
  argsSchema,
  async run(ctx, args) {
    const options = { become: ctx.become, check: ctx.check, step: ctx.step };
    if (args.from_config) {
      const config = ctx.vars.config as SlipwayConfig | undefined;
      if (!config || typeof config !== "object" || !("tls" in config)) {
        return {
          status: "failed",
          msg: "from_config needs the slipway.yml config (run with --config / slipway certs)",
        };
      }
      const report = await ensureCertificates(ctx.host, config, options);
      if (report.skipped) return { status: "skipped", msg: report.certificate };
      return {
        status: report.changed ? "changed" : "ok",
        msg: [report.certificate, ...report.actions].join("; "),
        data: { actions: report.actions },
      };
    }
    const domains = args.domains as string[];
    const spec: CertSpec = {
      domains,
      webroot: args.webroot,
      email: args.email as string,
      acmeServer: args.acme_server,
      staging: args.staging,
      caBundle: args.ca_bundle,
      certName: args.cert_name ?? (domains[0] as string),
      renewBeforeDays: args.renew_before_days,
    };
    const cert = await ensureCertificate(ctx.host, spec, options);
    const actions = cert.changed ? [ctx.check ? "would run certbot" : "certbot certonly"] : [];
    if (args.renewal) actions.push(...(await ensureRenewal(ctx.host, spec, options)).actions);
    return {
      status: actions.length > 0 ? "changed" : "ok",
      msg: [cert.msg, ...actions].join("; "),
      data: { actions, certificate: cert.after.kind },
    };
  },
};
