/**
 * Decide from the certificate file whether certbot must run: present, covering every requested name, and valid for
 * more than `renewBeforeDays`. Pure (node's X509Certificate parses the PEM read from the host).
 */
import { X509Certificate } from "node:crypto";

export type CertState =
  | { kind: "missing" }
  | { kind: "valid"; notAfter: Date; daysLeft: number; names: string[] }
  | { kind: "expiring"; notAfter: Date; daysLeft: number; names: string[] }
  | { kind: "names-differ"; names: string[]; missing: string[] }
  | { kind: "unreadable"; reason: string };

const DAY_MS = 86_400_000;

/** DNS names of a certificate's subjectAltName (`DNS:a.example, DNS:b.example`). */
export function certNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.startsWith("DNS:"))
    .map((s) => s.slice(4).toLowerCase());
}

export function certState(
  pem: string | undefined,
  domains: readonly string[],
  now: Date,
  renewBeforeDays: number,
): CertState {
  if (pem === undefined || pem.trim() === "") return { kind: "missing" };
  let cert: X509Certificate;
  try {
    // The first certificate in fullchain.pem is the leaf.
    cert = new X509Certificate(pem);
  } catch (error) {
    return { kind: "unreadable", reason: (error as Error).message };
  }
  const names = certNames(cert);
  const missing = domains.map((d) => d.toLowerCase()).filter((d) => !names.includes(d));
  if (missing.length > 0) return { kind: "names-differ", names, missing };
  const notAfter = new Date(cert.validTo);
  const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
  return daysLeft > renewBeforeDays
    ? { kind: "valid", notAfter, daysLeft, names }
    : { kind: "expiring", notAfter, daysLeft, names };
}

export function describeCertState(state: CertState): string {
  switch (state.kind) {
    case "missing":
      return "no certificate yet";
    case "valid":
      return `valid until ${state.notAfter.toISOString()} (${state.daysLeft} days)`;
    case "expiring":
      return `expires ${state.notAfter.toISOString()} (${state.daysLeft} days left): renewing`;
    case "names-differ":
      return `certificate lacks ${state.missing.join(", ")} (has ${state.names.join(", ") || "no names"})`;
    case "unreadable":
      return `certificate file is unreadable (${state.reason})`;
  }
}
