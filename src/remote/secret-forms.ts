/**
 * The spellings a secret takes on its way through Slipway and the tools it drives, so the redactor can mask each:
 * JSON string escapes; percent-encoding (upper- and lowercase hex, `+` for space); POSIX-sh single quoting; the
 * escapes of our env-file writers (systemd EnvironmentFile `\"`, `\$`, unit `Environment=` `%%` and `\n`, compose
 * `$$`); base64 and base64url at every byte alignment, so the secret is found inside a longer encoded value such as an
 * HTTP Basic `user:password` or a docker auth entry; hex in both cases; and each line of a multi-line value (output is
 * logged a line at a time).
 */
import { shQuote } from "./quote.js";

/** Values shorter than this are not masked: masking "1" or "a" would garble every line and protect nothing. */
export const MIN_SECRET_LENGTH = 3;

/** A line of a multi-line secret shorter than this is not masked on its own (PEM frames are never masked alone). */
const MIN_LINE_LENGTH = 8;
const PEM_FRAME = /^-----(BEGIN|END) [A-Z0-9 ]+-----$/;

/** A base64 run of a secret inside a longer value is masked only when it is at least this long. */
const MIN_BASE64_CORE = 6;

/** Every form of `secret` worth masking, each at least MIN_SECRET_LENGTH long, without duplicates. */
export function secretForms(secret: string): string[] {
  if (secret.length < MIN_SECRET_LENGTH) return [];
  const forms = [
    secret,
    ...textForms(secret),
    ...base64Forms(secret),
    Buffer.from(secret).toString("hex"),
    Buffer.from(secret).toString("hex").toUpperCase(),
  ];
  if (/\r?\n/.test(secret)) {
    for (const line of secret.split(/\r?\n/)) {
      const trimmed = line.trim();
      if (trimmed.length >= MIN_LINE_LENGTH && !PEM_FRAME.test(trimmed)) forms.push(trimmed, ...textForms(trimmed));
    }
  }
  return [...new Set(forms)].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

/** Escaped spellings: JSON, URL, shell, env-file writers. */
function textForms(value: string): string[] {
  const forms = [
    JSON.stringify(value).slice(1, -1),
    ...percentForms(value),
    // systemd EnvironmentFile (src/render/systemd.ts renderEnvironmentFile)
    value.replace(/[\\"$`]/g, (c) => `\\${c}`),
    // systemd Environment= (src/render/systemd-values.ts environmentAssignment)
    value
      .replaceAll("%", "%%")
      .replaceAll("\\", "\\\\")
      .replaceAll('"', '\\"')
      .replaceAll("\n", "\\n")
      .replaceAll("\t", "\\t"),
    // compose interpolation escape (src/render/compose.ts)
    value.replaceAll("$", () => "$$"),
  ];
  if (!value.includes("\0")) {
    const quoted = shQuote(value);
    forms.push(quoted.startsWith("'") ? quoted.slice(1, -1) : quoted);
  }
  return forms;
}

/**
 * Percent-encodings differ in what they leave alone: JavaScript's encodeURIComponent keeps `!'()*`, RFC 3986 strict
 * encoders (Python's quote, Go's PathEscape) keep only `A-Za-z0-9-._~`; form encoding writes space as `+`; some
 * tools write lowercase hex.
 */
function percentForms(value: string): string[] {
  const component = encodeURIComponent(value);
  const strict = component.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const forms = [component, strict, strict.replaceAll("%20", "+"), component.replaceAll("%20", "+")];
  return [...forms, ...forms.map((form) => form.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()))];
}

/**
 * base64 of the secret alone, and the characters that are the same whatever bytes surround it, for each of the three
 * byte offsets it can start at inside a longer encoded value.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const forms = [bytes.toString("base64").replace(/=+$/, "")];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    // Character i covers bits [6i, 6i+6): keep those made of the secret's bits only.
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    const core = encoded.slice(first, end);
    if (core.length >= MIN_BASE64_CORE) forms.push(core);
  }
  const url = forms.map((form) => form.replaceAll("+", "-").replaceAll("/", "_"));
  return [...forms, ...url];
}
