/** Replaces every occurrence of each secret with `***` (for command lines and output shown to people). */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 3) continue;
    out = out.replaceAll(secret, "***");
  }
  return out;
}
