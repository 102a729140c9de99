/**
 * A provided certificate (`tls.certificate_path` / `key_path`, D78): both files must exist and be readable by nginx
 * (its master reads them as root), and the key must match the certificate, or the site would be rendered without
 * HTTPS while every output says https://. Checked in one command (one round trip, with preflight's other reads).
 */
import { providedCertArgv } from "../commands/tls.js";
import type { SlipwayConfig } from "../config/index.js";
import { SlipwayError } from "../errors.js";
import type { RemoteHost } from "../remote/types.js";

/** The problem the host's answer shows, as one message; null when the certificate is usable. */
export function providedCertProblem(stdout: string, certificate: string, key: string): string | null {
  const lines = stdout.trim().split("\n").filter(Boolean);
  const missing = lines.filter((l) => l.startsWith("missing ")).map((l) => l.slice("missing ".length));
  if (missing.length > 0) {
    const named = missing.map((p) => `${p === key ? "tls.key_path" : "tls.certificate_path"} ${p}`);
    return `${named.join(" and ")} ${missing.length === 1 ? "does" : "do"} not exist or cannot be read`;
  }
  if (lines.includes("mismatch")) return `tls.key_path ${key} is not the key of tls.certificate_path ${certificate}`;
  if (lines.includes("expired")) return `tls.certificate_path ${certificate} has expired`;
  return null;
}

/** Throws a SlipwayError (host, step, path, what to do) when the provided certificate cannot be served; else true. */
export async function checkProvidedCertificate(
  host: RemoteHost,
  config: SlipwayConfig,
  step: string,
): Promise<boolean> {
  const { certificate_path: certificate, key_path: key } = config.tls;
  if (!config.tls.enabled || certificate === undefined || key === undefined) return false;
  const argv = providedCertArgv(certificate, key);
  const result = await host.exec(argv, { become: true, check: false, step });
  const problem = providedCertProblem(result.stdout, certificate, key);
  if (!problem) return true;
  throw new SlipwayError(`${problem} on ${host.name}: the site would have no HTTPS`, {
    host: host.name,
    step,
    command: "sh -c 'test -r <certificate> <key>; openssl x509/pkey'",
    hint: `put the certificate and its key on ${host.name} at those paths (readable by root, as nginx reads them), or fix tls.certificate_path and tls.key_path in slipway.yml, then deploy again; nothing was changed`,
  });
}
