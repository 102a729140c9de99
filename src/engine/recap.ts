/** Counting outcomes into Ansible's recap, and formatting it with each task's duration. */
import type { HostRecap, TaskOutcome } from "./types.js";

export function emptyRecap(): HostRecap {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}

/** Ansible's counting: `ok` includes changed tasks; a rescued failure counts as rescued, an ignored one as ignored. */
export function countOutcome(recap: HostRecap, outcome: Pick<TaskOutcome, "status" | "rescued" | "ignored">): void {
  switch (outcome.status) {
    case "ok":
      recap.ok++;
      break;
    case "changed":
      recap.ok++;
      recap.changed++;
      break;
    case "skipped":
      recap.skipped++;
      break;
    case "unreachable":
      recap.unreachable++;
      break;
    case "failed":
      if (outcome.rescued) recap.rescued++;
      else if (outcome.ignored) recap.ignored++;
      else recap.failed++;
      break;
  }
}

export function recapFor(hosts: readonly string[], outcomes: readonly TaskOutcome[]): Record<string, HostRecap> {
  const recap: Record<string, HostRecap> = {};
  for (const host of hosts) recap[host] = emptyRecap();
  for (const outcome of outcomes) {
    recap[outcome.host] ??= emptyRecap();
    countOutcome(recap[outcome.host] as HostRecap, outcome);
  }
  return recap;
}

/**
 * One host's line of a recap: Ansible's seven counts, the host's time (the sum of its tasks' or steps' wall times, in
 * milliseconds; omitted when nothing ran) and what the caller adds after it (the deploy: status, live color, URL,
 * error).
 */
export interface RecapRow {
  host: string;
  counts: HostRecap;
  ms?: number;
  note?: string;
}

/**
 * `PLAY RECAP` then one line per row, Ansible's format with the host's time after the counts:
 * `t1 : ok=3 changed=1 unreachable=0 failed=0 skipped=1 rescued=0 ignored=0  1.25s  <note>`.
 * Host names are padded to the longest; the playbook engine and the deploy both print this block.
 */
export function formatRecapRows(rows: readonly RecapRow[]): string[] {
  const width = Math.max(0, ...rows.map((r) => r.host.length));
  return [
    "PLAY RECAP",
    ...rows.map(({ host, counts: r, ms, note }) => {
      const time = ms === undefined ? "" : `  ${formatSeconds(ms)}`;
      return (
        `${host.padEnd(width)} : ok=${r.ok} changed=${r.changed} unreachable=${r.unreachable} failed=${r.failed} ` +
        `skipped=${r.skipped} rescued=${r.rescued} ignored=${r.ignored}${time}${note ? `  ${note}` : ""}`
      );
    }),
  ];
}

/** `1.23s`: milliseconds as seconds with two decimals. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}

/**
 * PLAY RECAP block (each host with the sum of its tasks' durations) followed by every task's duration (the slowest
 * host's time for that task).
 */
export function formatRecap(recap: Record<string, HostRecap>, outcomes: readonly TaskOutcome[]): string {
  const hostMs = new Map<string, number>();
  for (const o of outcomes) hostMs.set(o.host, (hostMs.get(o.host) ?? 0) + o.durationMs);
  const lines = formatRecapRows(
    Object.entries(recap).map(([host, counts]) => ({ host, counts, ms: hostMs.get(host) ?? 0 })),
  );
  const durations = new Map<string, number>();
  for (const o of outcomes) {
    const key = `${o.where} ${o.task}`;
    durations.set(key, Math.max(durations.get(key) ?? 0, o.durationMs));
  }
  if (durations.size > 0) {
    lines.push("", "TASK DURATIONS");
    const keyWidth = Math.min(70, Math.max(...[...durations.keys()].map((k) => k.length)));
    for (const [key, ms] of durations) lines.push(`${key.padEnd(keyWidth)}  ${formatSeconds(ms).padStart(8)}`);
  }
  return lines.join("\n");
}
