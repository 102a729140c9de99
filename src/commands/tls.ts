/** Commands that read a provided TLS certificate and key on a host (D78); run as root, as nginx's master reads them. */

/** $1 certificate, $2 key (positional parameters, never spliced into the script). */
const PROVIDED_CERT_SCRIPT = [
  'for f in "$1" "$2"; do test -f "$f" && test -r "$f" || echo "missing $f"; done',
  'test -f "$1" && test -f "$2" || exit 0',
  "command -v openssl >/dev/null 2>&1 || { echo ok; exit 0; }",
  'a=$(openssl x509 -noout -pubkey -in "$1" 2>/dev/null); b=$(openssl pkey -pubout -in "$2" 2>/dev/null)',
  'if [ -z "$a" ] || [ "$a" != "$b" ]; then echo mismatch; fi',
  'openssl x509 -noout -checkend 0 -in "$1" >/dev/null 2>&1 || echo expired',
  "echo ok",
].join("\n");

/**
 * One `sh -c` that checks a provided certificate and key; the host answers with lines `missing <path>`, `mismatch`,
 * `expired`, then `ok` (an `openssl` missing on the host: existence only).
 */
export function providedCertArgv(certificate: string, key: string): string[] {
  return ["sh", "-c", PROVIDED_CERT_SCRIPT, "sh", certificate, key];
}
