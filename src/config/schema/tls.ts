import { z } from "zod";
import { absolutePath, bool, domain, httpUrl, localPath, patternString } from "./primitives.js";

/**
 * Where certbot --webroot writes HTTP-01 challenges and nginx serves them from: the one default of `tls.webroot`, the
 * certbot module and playbooks/bootstrap.yml (a unit test keeps the playbook's fallback equal to it).
 */
export const ACME_WEBROOT = "/var/www/slipway-acme";

const EMAIL_PATTERN = /^[^\s@"';{}]+@[^\s@"';{}]+\.[^\s@"';{}]+$/;

export const tlsSchema = z
  .strictObject({
    enabled: bool()
      .default(false)
      .describe("Serve HTTPS with a certificate from ACME (certbot) or from `certificate_path`."),
    email: patternString(EMAIL_PATTERN, 'expected an e-mail address like "ops@example.com"')
      .optional()
      .describe("ACME account e-mail (expiry notices)."),
    acme_server: httpUrl()
      .default("https://acme-v02.api.letsencrypt.org/directory")
      .describe("ACME directory URL (a private CA such as pebble or step-ca works too)."),
    staging: bool().default(false).describe("Use Let's Encrypt's staging server (untrusted test certificates)."),
    ca_bundle: localPath()
      .optional()
      .describe("CA bundle on the host trusted when talking to a private ACME server (REQUESTS_CA_BUNDLE)."),
    domains: z.array(domain()).optional().describe("Names on the certificate. Default: `proxy.domains`."),
    webroot: absolutePath().default(ACME_WEBROOT).describe("Directory nginx serves /.well-known/acme-challenge/ from."),
    certificate_path: absolutePath()
      .optional()
      .describe("An existing certificate (full chain) on the host, instead of ACME."),
    key_path: absolutePath().optional().describe("Its private key file on the host (a path, never the key)."),
    redirect_http: bool().default(true).describe("Redirect HTTP to HTTPS once the certificate exists."),
  })
  .describe("HTTPS certificates.");
