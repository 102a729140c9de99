/** A pause that an AbortSignal cuts short: the waits between polls end at once on an interrupt. */

/**
 * Resolves after `ms` milliseconds; rejects with `signal.reason` as soon as `signal` aborts (at once when it already
 * has). Leaves no timer or listener behind either way.
 */
export function pauseUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return new Promise((resolve) => setTimeout(resolve, ms));
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
