/**
 * Turns output chunks into complete lines (UTF-8 safe across chunk boundaries) and formats them with a host prefix.
 */
import { StringDecoder } from "node:string_decoder";

export class LineSplitter {
  readonly #decoder = new StringDecoder("utf8");
  #pending = "";

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    this.#pending += this.#decoder.write(chunk);
    let newline = this.#pending.indexOf("\n");
    while (newline !== -1) {
      this.onLine(this.#pending.slice(0, newline).replace(/\r$/, ""));
      this.#pending = this.#pending.slice(newline + 1);
      newline = this.#pending.indexOf("\n");
    }
  }

  /** Emit the last line when output did not end with a newline. */
  end(): void {
    this.#pending += this.#decoder.end();
    if (this.#pending !== "") this.onLine(this.#pending.replace(/\r$/, ""));
    this.#pending = "";
  }
}

export type OutputStream = "stdout" | "stderr";

/** `[t1] line` for stdout, `[t1] ! line` for stderr: one place decides how host output looks. */
export function formatHostLine(host: string, stream: OutputStream, line: string): string {
  return stream === "stdout" ? `[${host}] ${line}` : `[${host}] ! ${line}`;
}

/** The last `maxLines` lines of text (for stderr tails in errors). */
export function tail(text: string, maxLines = 20): string {
  const lines = text.replace(/\n+$/, "").split("\n");
  return lines.slice(-maxLines).join("\n");
}
