/**
 * Independent remote round trips run at once, but a step must not end (and its undo or the next step start) while one
 * of them still runs on the host: every promise is waited for, then the first failure (in argument order) is thrown.
 */
export async function settleAll<T extends readonly unknown[] | []>(
  values: T,
): Promise<{ -readonly [P in keyof T]: Awaited<T[P]> }> {
  const results = (await Promise.allSettled(values)) as PromiseSettledResult<unknown>[];
  const settled: unknown[] = [];
  for (const result of results) {
    if (result.status === "rejected") throw result.reason;
    settled.push(result.value);
  }
  return settled as { -readonly [P in keyof T]: Awaited<T[P]> };
}
