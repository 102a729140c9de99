/**
 * Pure argv builder of certbot: `certonly --webroot` through the running nginx (the challenge file lands in the
 * webroot nginx already serves). The renewal units and the deploy hook are file contents (src/certs/commands.ts).
 */

/** What certonly needs of a certificate spec (src/certs/spec.ts CertSpec). */
export interface CertonlySpec {
  webroot: string;
  domains: readonly string[];
  acmeServer: string;
  email: string;
  staging: boolean;
  certName: string;
  /** PEM bundle of a private ACME server's CA ("" or undefined: the system's trust store). */
  caBundle?: string | undefined;
}

export function certbotCertonlyArgv(spec: CertonlySpec): string[] {
  return [
    "certbot",
    "certonly",
    "--webroot",
    "-w",
    spec.webroot,
    ...spec.domains.flatMap((d) => ["-d", d]),
    "--server",
    spec.acmeServer,
    "--non-interactive",
    "--agree-tos",
    "-m",
    spec.email,
    ...(spec.staging ? ["--staging"] : []),
    "--cert-name",
    spec.certName,
    "--keep-until-expiring",
  ];
}

/** The environment certbot needs: only the CA bundle of a private ACME server (a path, not a secret). */
export function certbotEnv(spec: Pick<CertonlySpec, "caBundle">): Record<string, string> {
  return spec.caBundle ? { REQUESTS_CA_BUNDLE: spec.caBundle } : {};
}
