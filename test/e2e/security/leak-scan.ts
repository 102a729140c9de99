/**
 * Finds secret markers in captured output in any encoding, independently of the redactor: the text itself (plain,
 * JSON, shell and env-file escapes leave alphanumeric markers intact), every percent-decoded run, and every
 * base64/base64url and hex token decoded at each alignment.
 */

/** The markers of `markers` found in `text`, each with the encoding it was found in. */
export function findLeaks(text: string, markers: readonly string[]): string[] {
  const found: string[] = [];
  const check = (haystack: string, how: string) => {
    for (const marker of markers) if (haystack.includes(marker)) found.push(`${marker} (${how})`);
  };
  check(text, "plain");
  check(percentDecoded(text), "percent-encoded");
  for (const token of text.match(/[A-Za-z0-9+/_-]{8,}/g) ?? []) {
    for (let skip = 0; skip < 4; skip++) {
      const part = token.slice(skip).replaceAll("-", "+").replaceAll("_", "/");
      check(Buffer.from(part, "base64").toString("latin1"), `base64 ${token.slice(0, 12)}...`);
    }
  }
  for (const token of text.match(/[0-9a-fA-F]{8,}/g) ?? []) {
    for (let skip = 0; skip < 2; skip++) check(Buffer.from(token.slice(skip), "hex").toString("latin1"), "hex");
  }
  return [...new Set(found)];
}

function percentDecoded(text: string): string {
  return text.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}
