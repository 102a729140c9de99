/**
 * Masks secret values in log lines, error messages, commands and diffs. Each secret is also masked in the forms it
 * takes on its way through Slipway: shell-quoted (shQuote rewrites `'`), JSON-escaped, URL-encoded, base64, and line by
 * line for multi-line values (output is logged a line at a time). Longest first, so a secret containing another is
 * masked whole.
 */
import { shQuote } from "./quote.js";

export const MASK = "***";

/** Values shorter than this are not masked: masking "1" or "a" would garble every line and protect nothing. */
const MIN_SECRET_LENGTH = 3;

export class Redactor {
  readonly #needles = new Set<string>();
  #sorted: string[] | null = null;

  constructor(secrets: Iterable<string> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Register a secret value (and its encoded forms). Returns this for chaining. */
  add(secret: string): this {
    if (secret.length < MIN_SECRET_LENGTH) return this;
    for (const form of encodedForms(secret)) {
      if (form.length >= MIN_SECRET_LENGTH) this.#needles.add(form);
    }
    this.#sorted = null;
    return this;
  }

  get size(): number {
    return this.#needles.size;
  }

  redact(text: string): string {
    if (this.#needles.size === 0 || text === "") return text;
    this.#sorted ??= [...this.#needles].sort((a, b) => b.length - a.length);
    let result = text;
    for (const needle of this.#sorted) {
      if (result.includes(needle)) result = result.replaceAll(needle, MASK);
    }
    return result;
  }

  /** Redact an error's message and text fields in place-free form: returns a message safe to print. */
  redactError(error: unknown): string {
    if (error instanceof Error) return this.redact(error.message);
    return this.redact(String(error));
  }
}

function encodedForms(secret: string): string[] {
  if (secret === "") return [];
  const forms = [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
  if (!secret.includes("\0")) {
    const quoted = shQuote(secret);
    forms.push(quoted.startsWith("'") ? quoted.slice(1, -1) : quoted);
  }
  forms.push(Buffer.from(secret).toString("base64").replace(/=+$/, ""));
  for (const line of secret.split(/\r?\n/)) forms.push(line.trim());
  return [...new Set(forms)];
}
