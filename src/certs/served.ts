/**
 * Whether nginx serves the certificate certbot keeps (D70): a renewal writes the new file and its deploy hook reloads
 * nginx only when `nginx -t` passes, so a broken snippet leaves the old certificate served while the file looks fine.
 * Pure: the PEMs come from the status script (commands/status.ts `cert` and `tls` probes), `nginx -t`'s stderr from
 * deploy/status-read.ts.
 */
import { X509Certificate } from "node:crypto";

/** What tells two certificates apart: the serial (hex, as openssl prints it) and the end of validity (ISO 8601). */
export interface CertIdentity {
  serial: string;
  notAfter: string;
}

/** The leaf of a PEM (the first certificate of fullchain.pem or of the handshake); null when empty or unparsable. */
export function certIdentity(pem: string | undefined): CertIdentity | null {
  if (!pem || pem.trim() === "") return null;
  try {
    const cert = new X509Certificate(pem);
    return { serial: cert.serialNumber.toUpperCase(), notAfter: new Date(cert.validTo).toISOString() };
  } catch {
    return null;
  }
}

/**
 * `loaded`: nginx serves the file's certificate. `not-loaded`: the file is newer than what nginx serves (a renewal
 * nginx never reloaded). `other`: nginx serves some other certificate for the name (another site's, or an older
 * file than the one served). null when either side is unknown (no file, nothing on 443, no openssl on the host).
 */
export type ServedState = "loaded" | "not-loaded" | "other";

export function servedState(file: CertIdentity | null, served: CertIdentity | null): ServedState | null {
  if (!file || !served) return null;
  if (file.serial === served.serial) return "loaded";
  return Date.parse(file.notAfter) > Date.parse(served.notAfter) ? "not-loaded" : "other";
}

/** The beginning of the problem `status` reports when nginx serves another certificate than the file. */
export const NOT_LOADED = "renewed certificate not loaded by nginx";
export const OTHER_SERVED = "nginx serves another certificate";

/**
 * The problem phrase for a served state other than `loaded` (null for `loaded`/unknown), e.g.
 * `renewed certificate not loaded by nginx (serves serial 01 until 2026-01-01T00:00:00.000Z, the file has serial 02
 * until 2026-03-01T00:00:00.000Z)`; `why` (nginxTestVerdict) is appended after a colon.
 */
export function servedProblem(
  state: ServedState | null,
  file: CertIdentity | null,
  served: CertIdentity | null,
  why?: string,
): string | null {
  if (!state || state === "loaded" || !file || !served) return null;
  const head = state === "not-loaded" ? NOT_LOADED : OTHER_SERVED;
  const facts = `serves serial ${served.serial} until ${served.notAfter}, the file has serial ${file.serial} until ${file.notAfter}`;
  return `${head} (${facts})${why ? `: ${why}` : ""}`;
}

/**
 * Why nginx did not load the file, from `nginx -t`: `nginx -t fails: unknown directive "x" in /etc/nginx/a.conf:3`
 * (nginx's first [emerg]/[alert]/[crit] line without its prefix, else its last line), or, when it
 * passes, that a reload is all that is missing.
 */
export function nginxTestVerdict(code: number | null, stderr: string): string {
  if (code === 0) return "nginx -t passes: nginx was not reloaded since the renewal (sudo systemctl reload nginx)";
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const severe = lines.find((l) => /\[(emerg|alert|crit)\]/.test(l));
  // `nginx: [emerg] ...` on a terminal; `2026/12/01 04:24:15 [emerg] 23416#23416: ...` (the error log's form) otherwise.
  const reason = (severe ?? lines.at(-1) ?? `exit ${code ?? "unknown"}`).replace(/^.*?\[\w+\] (\d+#\d+: )?/, "");
  return `nginx -t fails: ${reason}`;
}

/** Where the renewal hook's failures go (templates: certs/commands.ts deployHookScript): `journalctl -t <tag>`. */
export const HOOK_LOG_TAG = "slipway-certbot";
