/** Limits concurrent channels on one SSH connection (sshd refuses sessions beyond MaxSessions). */
export class Semaphore {
  #available: number;
  readonly #waiters: Array<() => void> = [];

  constructor(count: number) {
    this.#available = count;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#available > 0) this.#available--;
    else await new Promise<void>((resolve) => this.#waiters.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiters.shift();
      if (next) next();
      else this.#available++;
    }
  }
}
