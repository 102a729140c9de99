/**
 * Counts a flow's remote round trips that follow one another (waves): every call waits until the test releases all
 * calls waiting at that moment at once, so calls made in parallel share a wave and calls that wait for an earlier
 * answer take one each. putFile counts as the round trips SshRemoteHost makes: inspect, then write when it changed (one
 * write alone when `unconditional`).
 */
import type { ExecOptions, PutFileOptions, RemoteHost } from "../../../src/remote/types.js";
import type { FakeHost } from "../engine/fake-host.js";

export class WaveHost implements RemoteHost {
  readonly name: string;
  waves = 0;
  /** The calls of each wave, e.g. `["exec mkdir -p -- /x", "putFile /y"]`. */
  readonly log: string[][] = [];
  #pending: Array<{ what: string; go: () => void }> = [];

  constructor(readonly inner: FakeHost) {
    this.name = inner.name;
  }

  #slot(what: string): Promise<void> {
    return new Promise((go) => this.#pending.push({ what, go }));
  }

  async exec(argv: readonly string[], options?: ExecOptions) {
    await this.#slot(`exec ${argv.join(" ")}`);
    return this.inner.exec(argv, options);
  }

  async putFile(path: string, content: string | Buffer, options?: PutFileOptions) {
    await this.#slot(`putFile ${path}`);
    const differs = this.inner.files.get(path)?.content !== content.toString();
    if (differs && !options?.unconditional) await this.#slot(`write ${path}`);
    return this.inner.putFile(path, content, options);
  }

  async readFile(path: string) {
    await this.#slot(`readFile ${path}`);
    return this.inner.readFile(path);
  }

  facts(options?: { deployDir?: string }) {
    return this.inner.facts(options);
  }

  close() {
    return this.inner.close();
  }

  /** Runs `work`, releasing the waiting calls wave by wave; its result (or throws its error). */
  async run<T>(work: () => Promise<T>): Promise<T> {
    let done = false;
    const result = work().finally(() => {
      done = true;
    });
    result.catch(() => {});
    while (!done) {
      // Every promise continuation runs before the next macrotask: what is pending now is one wave.
      await new Promise((resolve) => setImmediate(resolve));
      const wave = this.#pending.splice(0);
      if (wave.length === 0) continue;
      this.waves++;
      this.log.push(wave.map((w) => w.what));
      for (const w of wave) w.go();
    }
    return result;
  }
}
