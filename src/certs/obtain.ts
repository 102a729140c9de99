/**
 * Get the certificate when it is missing, expiring or lacks a name; otherwise do nothing (no certbot run at all).
 * certbot answers the http-01 challenge by writing into the webroot the running nginx already serves, so nginx
 * never stops.
 */

import { certbotCertonlyArgv, certbotEnv } from "../commands/certbot.js";
import { mkdirsArgv, readableFileArgv } from "../commands/files.js";
import { helperRefusalHint, helperRefusalMessage, isHelperRefusal } from "../remote/privilege.js";
import { shJoin } from "../remote/quote.js";
import type { RemoteHost } from "../remote/types.js";
import { CertificateError } from "./errors.js";
import type { StepOptions } from "./files.js";
import { type CertState, certState, describeCertState } from "./inspect.js";
import { type CertSpec, liveCertPath } from "./spec.js";

export interface ObtainResult {
  changed: boolean;
  before: CertState;
  after: CertState;
  msg: string;
}

export async function inspectCertificate(
  host: RemoteHost,
  spec: CertSpec,
  options: { become: boolean; now?: Date },
): Promise<CertState> {
  const pem = await host.readFile(liveCertPath(spec.certName), { become: options.become });
  return certState(pem?.toString("utf8"), spec.domains, options.now ?? new Date(), spec.renewBeforeDays);
}

export async function ensureCertificate(
  host: RemoteHost,
  spec: CertSpec,
  options: StepOptions & { now?: Date; app?: string },
): Promise<ObtainResult> {
  const step = options.step ?? "certificate";
  await checkCaBundle(host, spec, options.become, step);
  const before = await inspectCertificate(host, spec, options);
  if (before.kind === "valid") return { changed: false, before, after: before, msg: describeCertState(before) };
  if (options.check) {
    return { changed: true, before, after: before, msg: `${describeCertState(before)}: would run certbot` };
  }
  await host.exec(mkdirsArgv([spec.webroot]), { become: options.become, step });
  const argv = certbotCertonlyArgv(spec);
  const run = await host.exec(argv, {
    become: options.become,
    env: certbotEnv(spec),
    check: false,
    timeoutMs: 300_000,
    step,
  });
  if (isHelperRefusal(run.code, run.stderr)) {
    // The helper's certbot takes only what bootstrap recorded (D47): DNS advice would send the user the wrong way.
    throw new CertificateError(helperRefusalMessage(run.stderr), {
      host: host.name,
      step,
      command: shJoin(argv),
      exitCode: run.code,
      hint: helperRefusalHint(options.app),
    });
  }
  if (run.code !== 0) {
    throw new CertificateError(`certbot could not get a certificate for ${spec.domains.join(", ")}`, {
      host: host.name,
      step,
      command: shJoin(argv),
      exitCode: run.code,
      stderrTail: tail(`${run.stderr}\n${run.stdout}`),
      hint: `check that every name resolves to this host and that http://${spec.domains[0]}/.well-known/acme-challenge/ reaches nginx (webroot ${spec.webroot}); see /var/log/letsencrypt/letsencrypt.log on the host`,
    });
  }
  const after = await inspectCertificate(host, spec, options);
  if (after.kind !== "valid") {
    throw new CertificateError(`certbot succeeded but the certificate is not usable: ${describeCertState(after)}`, {
      host: host.name,
      step,
      command: shJoin(argv),
      hint: `inspect ${liveCertPath(spec.certName)} on the host`,
    });
  }
  return { changed: true, before, after, msg: `${describeCertState(before)} -> ${describeCertState(after)}` };
}

/**
 * `tls.ca_bundle` must be a readable file on the host: certbot (and every renewal) reads it to trust a private ACME
 * server, and without it fails with a TLS error that looks like a network problem. Throws CertificateError naming it.
 */
async function checkCaBundle(host: RemoteHost, spec: CertSpec, become: boolean, step: string): Promise<void> {
  if (!spec.caBundle) return;
  const probe = await host.exec(readableFileArgv(spec.caBundle), {
    become,
    check: false,
    step,
  });
  if (probe.code === 0) return;
  throw new CertificateError(`tls.ca_bundle: ${spec.caBundle} is not a readable file on the host`, {
    host: host.name,
    step,
    hint: `copy the PEM certificate of your ACME server's CA to ${spec.caBundle} on the host (or fix tls.ca_bundle; remove it for a public CA such as Let's Encrypt), then run again`,
  });
}

function tail(text: string, lines = 15): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}
