/**
 * The health gate's rule across services: they are waited for at once, and the first one to fail ends the gate. Each
 * service has its own `health.timeout`; with Promise.allSettled a service whose short timeout had passed unhealthy
 * still waited for the longest one (60 s by default) before the gate failed. Here its failure aborts the others'
 * waits (each ends within a poll) and is the gate's error.
 */

/** The reason the other waits are aborted with: never an error of its own (the first failure is the gate's). */
export const ENDED_BY_ANOTHER = "another service failed the gate";

/**
 * Runs every task at once, each given a signal that aborts when `outer` does (the run's interrupt) or when any task
 * rejects. Resolves every value, in order, when none rejects; otherwise rejects with the first rejection, once every
 * task has settled (no wait is left running behind the failure: an undo or the unlock may follow).
 */
export async function allOrFirstFailure<T>(
  tasks: readonly ((signal: AbortSignal) => Promise<T>)[],
  outer?: AbortSignal,
): Promise<T[]> {
  const ended = new AbortController();
  const signal = outer ? AbortSignal.any([outer, ended.signal]) : ended.signal;
  let first: { error: unknown } | undefined;
  const results = await Promise.allSettled(
    tasks.map((task) =>
      task(signal).catch((error: unknown) => {
        if (!first) {
          first = { error };
          ended.abort(ENDED_BY_ANOTHER);
        }
        throw error;
      }),
    ),
  );
  if (first) throw first.error;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
