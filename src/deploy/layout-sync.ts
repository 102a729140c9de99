/**
 * The load-balancer layout's step machine across hosts (docs/deploy.md "Load-balancer layout"): every host runs its
 * own step list, and at each sync point (a step of its own, steps/sync.ts) it waits until every host got there. So
 * the app hosts' new color is healthy before any nginx host switches, and the old color retires only once every
 * nginx host switched and verified.
 *
 * A failure anywhere stops every host at its next sync point, and the undo runs in reverse across hosts: a host
 * undoing past a sync point waits there until every host that had passed it is back too. Switch-backs on the nginx
 * hosts (after the point `gated`) therefore finish before any app host stops its new color (before that point).
 */
import { SlipwayError } from "../errors.js";

/** Sync points of one run, shared by the hosts' flows (HostRun.layout). */
export class LayoutSync {
  readonly #hosts: readonly string[];
  #failure: { host: string; message: string } | null = null;
  readonly #ended = new Set<string>();
  readonly #arrived = new Map<string, Set<string>>();
  readonly #back = new Map<string, Set<string>>();
  #wake: Array<() => void> = [];

  /** `hosts`: the inventory names of every host taking part (each must end: see end()). */
  constructor(hosts: readonly string[]) {
    this.#hosts = [...hosts];
  }

  get hosts(): readonly string[] {
    return this.#hosts;
  }

  /**
   * `host` reached `point`: resolves once every host has, throws (a SlipwayError naming the host that failed) when a
   * host failed or ended without reaching it.
   */
  async arrive(point: string, host: string): Promise<void> {
    this.#add(this.#arrived, point, host);
    const arrived = () => this.#arrived.get(point) ?? new Set<string>();
    const missing = () => this.#hosts.filter((h) => !arrived().has(h));
    await this.#until(
      () => this.#failure !== null || missing().length === 0 || missing().some((h) => this.#ended.has(h)),
    );
    if (missing().length === 0 && this.#failure === null) return;
    const why = this.#failure ?? { host: missing().join(", "), message: `ended before ${point}` };
    throw new SlipwayError(`stopped: ${why.host} failed in the same load-balancer deploy (${why.message})`, {
      host,
      step: `wait-${point}`,
      hint: `the hosts of the load-balancer layout deploy together; see ${why.host}'s error`,
    });
  }

  /**
   * `host`'s undo is back at `point`: resolves once every host that arrived there is back too (or its run ended), so
   * what the hosts did after the point is undone everywhere before anything before it is.
   */
  async back(point: string, host: string): Promise<void> {
    this.#add(this.#back, point, host);
    const pending = () =>
      [...(this.#arrived.get(point) ?? [])].filter((h) => !this.#back.get(point)?.has(h) && !this.#ended.has(h));
    await this.#until(() => pending().length === 0);
  }

  /** A step of `host` failed (or it was interrupted): no sync point passes from now on. */
  fail(host: string, error: unknown): void {
    if (this.#failure === null) {
      const message = error instanceof Error ? error.message : String(error);
      this.#failure = { host, message: message.split("\n")[0] ?? message };
    }
    this.#notify();
  }

  /** `host`'s run is over (steps, undos and cleanups): nobody waits for it any more. */
  end(host: string): void {
    this.#ended.add(host);
    this.#notify();
  }

  #add(map: Map<string, Set<string>>, point: string, host: string): void {
    const set = map.get(point) ?? new Set<string>();
    map.set(point, set.add(host));
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = [];
    for (const w of wake) w();
  }

  async #until(done: () => boolean): Promise<void> {
    while (!done()) await new Promise<void>((resolve) => this.#wake.push(resolve));
  }
}
