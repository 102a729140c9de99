/** Latency statistics for the SSH benchmark (milliseconds, rounded to 0.01). */
export interface LatencyStats {
  commands: number;
  totalMs: number;
  commandsPerSecond: number;
  minMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  meanMs: number;
}

const round = (value: number) => Math.round(value * 100) / 100;

export function summarize(samples: number[], totalMs: number): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return {
    commands: samples.length,
    totalMs: round(totalMs),
    commandsPerSecond: round((samples.length * 1000) / totalMs),
    minMs: round(sorted[0] ?? 0),
    p50Ms: round(at(0.5)),
    p95Ms: round(at(0.95)),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
    meanMs: round(mean),
  };
}

/** Runs `once` sequentially `count` times after `warmup` unmeasured runs; each run's time is a sample. */
export async function sequential(count: number, warmup: number, once: () => Promise<void>): Promise<LatencyStats> {
  for (let i = 0; i < warmup; i++) await once();
  const samples: number[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await once();
    samples.push(performance.now() - t);
  }
  return summarize(samples, performance.now() - start);
}

/** `count` runs with `concurrency` in flight at once; samples are each run's own latency. */
export async function concurrent(count: number, concurrency: number, once: () => Promise<void>): Promise<LatencyStats> {
  const samples: number[] = [];
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < count) {
      next++;
      const t = performance.now();
      await once();
      samples.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return summarize(samples, performance.now() - start);
}
