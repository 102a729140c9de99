/**
 * Coalesces the file reads a flow starts together (a wave of `Promise.all` reads: the nginx site and its includes, the
 * live state) into one command per wave: one shell and one `sudo` instead of one per file. On a loaded 2-core runner
 * each `sudo` costs tens of ms of CPU (PAM, sudoers, the journal), and the deploy reads 5-8 files at a time three times.
 *
 * Reads are collected until the event loop's next turn (setImmediate), so reads started in the same turn, or by
 * promise continuations of it, share a command. A wave of one is read alone (the one-file script, unchanged); any
 * file the batch could not read (unreadable, a directory) and every file of a batch whose command failed (sudo refused,
 * an output that does not parse) is read again alone, so errors are exactly the one-file read's.
 */
import { randomBytes } from "node:crypto";
import { parseReadFiles, readFilesArgv } from "../commands/files.js";

/** Runs an argv on the host (privileged or not) and gives back its exit code and stdout, without checking. */
export type RunRaw = (argv: string[], become: boolean) => Promise<{ code: number | null; stdout: Buffer }>;
/** Reads one file alone: its bytes, undefined when absent; throws the read's error. */
export type ReadOne = (path: string, become: boolean) => Promise<Buffer | undefined>;

interface Pending {
  path: string;
  resolve: (content: Buffer | undefined) => void;
  reject: (error: unknown) => void;
}

/** A random boundary for readFilesArgv: 32 hex characters. */
export function readFilesBoundary(): string {
  return randomBytes(16).toString("hex");
}

export class ReadBatcher {
  readonly #waves = new Map<boolean, Pending[]>();

  constructor(
    private readonly runRaw: RunRaw,
    private readonly readOne: ReadOne,
  ) {}

  /** Reads `path` with the reads of the same turn; resolves with its bytes, undefined when absent. */
  read(path: string, become: boolean): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
      const wave = this.#waves.get(become);
      if (wave) {
        wave.push({ path, resolve, reject });
        return;
      }
      this.#waves.set(become, [{ path, resolve, reject }]);
      setImmediate(() => {
        const reads = this.#waves.get(become) ?? [];
        this.#waves.delete(become);
        void this.#flush(reads, become);
      });
    });
  }

  async #flush(reads: Pending[], become: boolean): Promise<void> {
    const alone = (r: Pending) => this.readOne(r.path, become).then(r.resolve, r.reject);
    if (reads.length === 1) return alone(reads[0] as Pending);
    const boundary = readFilesBoundary();
    let answer: Awaited<ReturnType<RunRaw>>;
    try {
      answer = await this.runRaw(
        readFilesArgv(
          reads.map((r) => r.path),
          boundary,
        ),
        become,
      );
    } catch (error) {
      // The connection failed: every read of the wave fails with it, as each would have alone.
      for (const r of reads) r.reject(error);
      return;
    }
    const files = answer.code === 0 ? parseReadFiles(answer.stdout, boundary, reads.length) : undefined;
    await Promise.all(
      reads.map((r, i) => {
        const file = files?.[i];
        if (file?.kind === "present") return r.resolve(file.content);
        if (file?.kind === "absent") return r.resolve(undefined);
        return alone(r);
      }),
    );
  }
}
