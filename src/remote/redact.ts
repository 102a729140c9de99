/**
 * The one redactor: masks secret values in everything Slipway prints or records (terminal lines, --json, the Action's
 * log and job summary, error text, commands, diffs). Each secret is also masked in the forms it takes on its way
 * through Slipway and the tools it drives (see secret-forms.ts). Longest first, so a secret containing another is
 * masked whole.
 */
import { MIN_SECRET_LENGTH, secretForms } from "./secret-forms.js";

export const MASK = "***";

export class Redactor {
  readonly #needles = new Set<string>();
  #sorted: string[] | null = null;

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Register a secret value (and its encoded forms); empty, undefined and very short values are ignored. */
  add(secret: string | undefined): this {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) return this;
    for (const form of secretForms(secret)) this.#needles.add(form);
    this.#sorted = null;
    return this;
  }

  /** Register several values at once. */
  addAll(secrets: Iterable<string | undefined>): this {
    for (const secret of secrets) this.add(secret);
    return this;
  }

  /** Number of distinct strings masked (each secret counts once per form). */
  get size(): number {
    return this.#needles.size;
  }

  /** Every masked string (for a log sink that masks on its own, such as the Actions runner's `::add-mask::`). */
  forms(): string[] {
    return [...this.#needles];
  }

  /** `text` with every occurrence of every form of every secret replaced by `***`. */
  redact(text: string): string {
    if (this.#needles.size === 0 || text === "") return text;
    this.#sorted ??= [...this.#needles].sort((a, b) => b.length - a.length);
    let result = text;
    for (const needle of this.#sorted) {
      if (result.includes(needle)) result = result.replaceAll(needle, MASK);
    }
    return result;
  }

  /** An error's message (or any thrown value as text), safe to print. */
  redactError(error: unknown): string {
    if (error instanceof Error) return this.redact(error.message);
    return this.redact(String(error));
  }

  /** A copy of a JSON-shaped value (--json output, records) with every string, keys included, redacted. */
  redactValue<T>(value: T): T {
    return this.#walk(value) as T;
  }

  #walk(value: unknown): unknown {
    if (typeof value === "string") return this.redact(value);
    if (Array.isArray(value)) return value.map((item) => this.#walk(item));
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.redact(k), this.#walk(v)]));
  }
}

/** What a diff shows for a file installed readable by its owner only (an env file, a key): never its content. */
export const SECRET_CONTENT_CHANGED = "secret content changed (file mode 0600: content not shown)";

/** True for a mode without group or other permissions (0600, 0400): such a file holds secrets and is never diffed. */
export function isPrivateMode(mode: number | undefined): boolean {
  return mode !== undefined && (mode & 0o077) === 0;
}
