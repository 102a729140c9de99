/**
 * What a certificate request is, independent of where it comes from (slipway.yml `tls:` or a playbook task's args).
 * The lineage name defaults to the first domain: that is the directory the rendered nginx site reads
 * (`/etc/letsencrypt/live/<first domain>/`), so certbot and nginx always agree on the path.
 */
import type { SlipwayConfig } from "../config/schema.js";
import { certificateNames } from "../config/served-names.js";
import { CertificateError } from "./errors.js";

export interface CertSpec {
  domains: string[];
  webroot: string;
  email: string;
  acmeServer: string;
  staging: boolean;
  /** CA bundle on the host for a private ACME server (exported to certbot as REQUESTS_CA_BUNDLE). */
  caBundle?: string;
  /** certbot lineage: /etc/letsencrypt/live/<certName>/. */
  certName: string;
  /** Renew (run certbot) when the certificate expires within this many days. */
  renewBeforeDays: number;
}

export const LETSENCRYPT_DIR = "/etc/letsencrypt";
export const DEFAULT_RENEW_BEFORE_DAYS = 30;

export function liveCertPath(certName: string): string {
  return `${LETSENCRYPT_DIR}/live/${certName}/fullchain.pem`;
}

/** The ACME spec of a config, or null when TLS is off or the certificate is provided (`certificate_path`). */
export function certSpecFromConfig(config: SlipwayConfig): CertSpec | null {
  const { tls } = config;
  if (!tls.enabled || tls.certificate_path !== undefined) return null;
  // Every name the site serves (the API subdomain too), unless tls.domains lists them (validate checks it covers all).
  const domains = certificateNames(config);
  const first = domains[0];
  if (first === undefined) {
    throw new CertificateError("tls.enabled is true but tls.domains and proxy.domains are both empty", {
      step: "certificates",
      hint: "list the names the certificate is for under tls.domains (or proxy.domains)",
    });
  }
  if (tls.email === undefined) {
    throw new CertificateError("tls.email is required to register an ACME account", {
      step: "certificates",
      hint: "set tls.email (the ACME server sends expiry notices there)",
    });
  }
  return {
    domains,
    webroot: tls.webroot,
    email: tls.email,
    acmeServer: tls.acme_server,
    staging: tls.staging,
    caBundle: tls.ca_bundle,
    certName: first,
    renewBeforeDays: DEFAULT_RENEW_BEFORE_DAYS,
  };
}
