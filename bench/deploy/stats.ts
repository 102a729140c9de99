/** Pure logic of the deploy benchmark: wrk's totals, medians, and wall-time ratios pair by pair (Ansible/Slipway, swarm/container). */

/** wrk's totals for one window. Connection errors are wrk's socket errors; failed answers are statuses >= 400. */
export interface WrkReport {
  requests: number;
  durationS: number;
  requestsPerSecond: number;
  failedAnswers: number;
  connectionErrors: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  latencyMs: { p50: number; p99: number; max: number };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Reads the `WRK_JSON {...}` line bench/deploy/wrk-report.lua prints from wrk's done() (also after SIGINT).
 * Throws with wrk's output when the line is missing (wrk did not start, or the script did not load).
 */
export function parseWrkReport(output: string): WrkReport {
  const line = output.split("\n").find((l) => l.startsWith("WRK_JSON "));
  if (!line) throw new Error(`wrk printed no WRK_JSON line; its output:\n${output.trim()}`);
  const raw = JSON.parse(line.slice("WRK_JSON ".length)) as Record<string, number>;
  const n = (key: string) => raw[key] ?? 0;
  const durationS = n("durationUs") / 1e6;
  const socketErrors = { connect: n("connect"), read: n("read"), write: n("write"), timeout: n("timeout") };
  return {
    requests: n("requests"),
    durationS: round2(durationS),
    requestsPerSecond: durationS > 0 ? Math.round(n("requests") / durationS) : 0,
    failedAnswers: n("status"),
    connectionErrors: socketErrors.connect + socketErrors.read + socketErrors.write + socketErrors.timeout,
    socketErrors,
    latencyMs: { p50: round2(n("p50Us") / 1000), p99: round2(n("p99Us") / 1000), max: round2(n("maxUs") / 1000) },
  };
}

/** Median of a non-empty list; null for an empty one. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** One measured deploy, as the ratio pairing needs it. */
export interface PairSide {
  round: number;
  phase: string;
  /** `slipway`/`ansible`, or the runtime (`container`/`swarm`) in a runtime comparison. */
  tool: string;
  wallMs: number;
}

export interface PairRatio {
  round: number;
  phase: string;
  slipwayMs: number;
  ansibleMs: number;
  /** ansibleMs / slipwayMs, 2 decimals: how many times faster Slipway was in this pair. */
  ratio: number;
}

/** A pair of any two sides: `otherMs / baseMs`, 2 decimals. */
export interface SidePair {
  round: number;
  phase: string;
  baseMs: number;
  otherMs: number;
  ratio: number;
}

/**
 * Pairs each deploy of `base` with the deploy of `other` of the same round and phase (the runs alternate A B / B A,
 * so a pair ran back to back under the same machine load) and gives other's wall time over base's, pair by pair.
 * A side without its partner is left out.
 */
export function pairSides(runs: readonly PairSide[], base: string, other: string): SidePair[] {
  const out: SidePair[] = [];
  for (const s of runs.filter((r) => r.tool === base)) {
    const o = runs.find((r) => r.tool === other && r.round === s.round && r.phase === s.phase);
    if (!o || s.wallMs <= 0) continue;
    out.push({
      round: s.round,
      phase: s.phase,
      baseMs: s.wallMs,
      otherMs: o.wallMs,
      ratio: round2(o.wallMs / s.wallMs),
    });
  }
  return out;
}

/** Slipway against Ansible: pairSides with Ansible's wall time over Slipway's (how many times faster Slipway was). */
export function pairRatios(runs: readonly PairSide[]): PairRatio[] {
  return pairSides(runs, "slipway", "ansible").map((p) => ({
    round: p.round,
    phase: p.phase,
    slipwayMs: p.baseMs,
    ansibleMs: p.otherMs,
    ratio: p.ratio,
  }));
}

/**
 * How long the load must run to reach `minRequests` at the rate measured, in ms (at least `floorMs`), with half again
 * to spare: the rate drops while a deploy shares the 2 cores (533/s against a 701/s probe, measured).
 */
export function windowFor(minRequests: number, requestsPerSecond: number, floorMs: number): number {
  if (requestsPerSecond <= 0) return floorMs;
  return Math.max(floorMs, Math.ceil((minRequests / requestsPerSecond) * 1000 * 1.5));
}

/**
 * The wait per connection (ms, whole) that makes `connections` paced connections send `rate` requests/s. Each
 * connection's cycle is its answer's time plus the wait; `measured` (a paced window: its wait and the rate it reached)
 * gives that answer time (cycle minus wait), else it is taken as 0 (the first guess, a rate somewhat low). The wait
 * never drops below half the cycle: on a machine whose load jumped between the probes the answer time can look as
 * long as the cycle, and a wait near 0 would make the paced load a closed loop again.
 */
export function pacedDelayMs(
  rate: number,
  connections: number,
  measured?: { delayMs: number; requestsPerSecond: number },
): number {
  const cycleMs = (connections * 1000) / rate;
  const answerMs =
    measured && measured.requestsPerSecond > 0
      ? Math.max(0, (connections * 1000) / measured.requestsPerSecond - measured.delayMs)
      : 0;
  return Math.max(1, Math.round(cycleMs / 2), Math.round(cycleMs - answerMs));
}
